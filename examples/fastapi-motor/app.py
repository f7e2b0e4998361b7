"""Accounts and newsletter API for the reminders service."""
import secrets

from fastapi import FastAPI, HTTPException
from motor.motor_asyncio import AsyncIOMotorClient
from pydantic import BaseModel

from mailer import send_email

app = FastAPI(title="reminders")
mongo = AsyncIOMotorClient("mongodb://mongo:27017/reminders")
db = mongo.get_default_database()

# token -> user id, filled at login
active_sessions = {}


class Login(BaseModel):
    email: str
    password: str


@app.post("/login")
async def login(body: Login):
    user = await db.users.find_one({"email": body.email})
    if user is None or not user.get("active"):
        raise HTTPException(status_code=401)
    token = secrets.token_urlsafe(32)
    active_sessions[token] = str(user["_id"])
    return {"token": token}


@app.get("/me")
async def me(token: str):
    user_id = active_sessions.get(token)
    if user_id is None:
        raise HTTPException(status_code=401)
    return await db.users.find_one({"_id": user_id}, {"password": 0})


@app.post("/admin/newsletter")
async def send_newsletter(subject: str, body: str):
    subscribers = await db.users.find({"newsletter": True}).to_list(1000)
    for user in subscribers:
        await send_email(user["email"], subject, body)
    return {"sent": len(subscribers)}
