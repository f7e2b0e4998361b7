import motor

async def h(db, ids):
    for i in ids:
        u = await db.users.find({"id": i}).to_list(1000)
    return [x async for x in db.c.find()]
