"""Weekly digest: the e-mail every user gets on Monday morning."""
import asyncio

import requests
from motor.motor_asyncio import AsyncIOMotorDatabase

from app import db
from mailer import send_email

BATCH = 500


async def build_digest(database: AsyncIOMotorDatabase, user, unsubscribed):
    if user["email"] in unsubscribed:
        return None
    latest = await database.completions.find_one({"user": user["_id"]}, sort=[("at", -1)])
    tz = await local_timezone(user)
    return {"email": user["email"], "latest": latest, "tz": tz}


async def local_timezone(user):
    resp = requests.get(f"https://geo.internal/tz?city={user.get('city', '')}", timeout=3)
    return resp.json()["tz"]


async def send_digests(digests):
    await asyncio.gather(*[send_email(d["email"], "Your week", str(d)) for d in digests])


async def weekly_digest():
    unsubscribed = [u["email"] async for u in db.unsubscribes.find({"list": "digest"})]
    offset = 0
    while True:
        page = await db.users.find({"digest": True}).sort("_id", 1).skip(offset).limit(BATCH).to_list(BATCH)
        if not page:
            break
        digests = [await build_digest(db, user, unsubscribed) for user in page]
        await send_digests([d for d in digests if d])
        offset += BATCH
