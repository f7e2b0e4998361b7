from fastapi import FastAPI
from motor.motor_asyncio import AsyncIOMotorClient

app = FastAPI()
client = AsyncIOMotorClient("mongodb://db:27017")
db = client.accounts

active_sessions = {}


@app.post("/login")
async def login(username: str, token: str):
    active_sessions[token] = username
    return {"ok": True}


@app.post("/newsletter")
async def send_newsletter():
    users = await db.users.find({"subscribed": True}).to_list(1000)
    for user in users:
        print(user["email"])
    return {"sent": len(users)}
