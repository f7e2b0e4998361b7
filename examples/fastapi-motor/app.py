"""Accounts and newsletter API for the reminders service."""
import secrets
import time
from collections import defaultdict

import uvicorn
from fastapi import FastAPI, HTTPException, Request
from motor.motor_asyncio import AsyncIOMotorClient
from pydantic import BaseModel

from jobs import scheduler
from mailer import send_email

app = FastAPI(title="reminders")
mongo = AsyncIOMotorClient("mongodb://mongo:27017/reminders")
db = mongo.get_default_database()

# token -> user id, filled at login
active_sessions = {}
# ip -> timestamps of recent login attempts
login_attempts = defaultdict(list)
# user id -> profile document, so /me does not hit Mongo every time
profile_cache = {}


class Login(BaseModel):
    email: str
    password: str


@app.middleware("http")
async def record_api_usage(request: Request, call_next):
    started = time.monotonic()
    response = await call_next(request)
    await db.api_analytics.insert_one({
        "path": request.url.path,
        "status": response.status_code,
        "ms": int((time.monotonic() - started) * 1000),
    })
    return response


@app.post("/login")
async def login(body: Login, request: Request):
    now = time.time()
    ip = request.client.host
    recent = [t for t in login_attempts[ip] if now - t < 60]
    if len(recent) >= 5:
        raise HTTPException(status_code=429)
    login_attempts[ip] = recent + [now]
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
    if user_id not in profile_cache:
        profile_cache[user_id] = await db.users.find_one({"_id": user_id}, {"password": 0})
    return profile_cache[user_id]


@app.get("/me/dashboard")
async def dashboard(token: str):
    user_id = active_sessions.get(token)
    if user_id is None:
        raise HTTPException(status_code=401)
    reminders = await db.reminders.find({"user": user_id}).sort("due", 1).to_list(20)
    done_this_week = await db.completions.count_documents({"user": user_id, "week": _week()})
    streak = await db.streaks.find_one({"_id": user_id})
    return {"reminders": reminders, "done": done_this_week, "streak": streak}


@app.get("/me/next-reminder")
async def next_reminder(token: str):
    user_id = active_sessions.get(token)
    for job in scheduler.get_jobs():
        if job.id == f"reminder-{user_id}":
            return {"next": job.next_run_time}
    return {"next": None}


@app.post("/admin/newsletter")
async def send_newsletter(subject: str, body: str):
    subscribers = await db.users.find({"newsletter": True}).to_list(1000)
    for user in subscribers:
        await send_email(user["email"], subject, body)
    return {"sent": len(subscribers)}


def _week():
    return time.strftime("%G-W%V")


from admin import router as admin_router  # noqa: E402  (admin imports db from here)

app.include_router(admin_router)


if __name__ == "__main__":
    uvicorn.run(app, host="0.0.0.0", port=8000)
