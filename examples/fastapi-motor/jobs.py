"""APScheduler jobs: one daily reminder job per user."""
from apscheduler.schedulers.asyncio import AsyncIOScheduler

scheduler = AsyncIOScheduler(timezone="UTC")


def schedule_for_user(user):
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


def next_run_for(user_id):
    job = scheduler.get_job(f"reminder-{user_id}")
    return job.next_run_time if job else None
