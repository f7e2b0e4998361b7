"""Back-office endpoints: user list, search, webhook test."""
import httpx
from fastapi import APIRouter

from app import db

router = APIRouter(prefix="/admin")


@router.get("/users")
async def list_users():
    return await db.users.find({}, {"password": 0}).to_list(None)


@router.get("/users/search")
async def search_users(q: str, limit: int = 20):
    candidates = await db.users.find({"$text": {"$search": q}}).limit(limit * 3).to_list(None)
    active = [u for u in candidates if u.get("active") and not u.get("deleted")]
    return active[:limit]


@router.post("/webhooks/test")
async def test_webhook(url: str):
    async with httpx.AsyncClient(timeout=5.0) as client:
        resp = await client.post(url, json={"event": "ping"})
    return {"status": resp.status_code}
