"""Start-up scheduling: make sure every user with reminders has a job."""
from app import db
from jobs import schedule_for_user, scheduler


async def schedule_all():
    async for user in db.users.find({"reminders": True}):
        schedule_for_user(user)


async def start():
    await schedule_all()
    scheduler.start()
