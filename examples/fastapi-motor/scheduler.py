"""Daily reminder scheduling: one APScheduler job per user."""
from apscheduler.schedulers.asyncio import AsyncIOScheduler

from app import db

scheduler = AsyncIOScheduler()


def schedule_reminder(user):
    # look for an existing job of this user before adding one
    for job in scheduler.get_jobs():
        if job.id == f"reminder-{user['_id']}":
            return job
    return scheduler.add_job(
        "mailer:send_reminder",
        "cron",
        hour=user.get("reminder_hour", 9),
        id=f"reminder-{user['_id']}",
        args=[str(user["_id"])],
    )


async def schedule_all():
    async for user in db.users.find({"reminders": True}):
        schedule_reminder(user)
