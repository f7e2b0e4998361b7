"""Outbox worker: a separate process that delivers queued SMS messages."""
import time

import aiohttp
from pymongo import MongoClient

client = MongoClient("mongodb://mongo:27017/reminders", maxPoolSize=50)
outbox = client.reminders.sms_outbox

SMS_GATEWAY = "https://sms.internal/send"


def run_forever():
    while True:
        message = outbox.find_one_and_update({"state": "queued"}, {"$set": {"state": "sending"}})
        if message is None:
            time.sleep(2)
            continue
        deliver(message)


def deliver(message):
    outbox.update_one({"_id": message["_id"]}, {"$set": {"state": "sent"}})


async def gateway_status():
    async with aiohttp.ClientSession() as session:
        async with session.get(SMS_GATEWAY + "/status") as resp:
            return await resp.json()


if __name__ == "__main__":
    run_forever()
