from motor.motor_asyncio import AsyncIOMotorClient

client = AsyncIOMotorClient("mongodb://db:27017", maxPoolSize=200)


async def notify_all(send):
    async for user in client.accounts.users.find({"subscribed": True}):
        await send(user["email"])
