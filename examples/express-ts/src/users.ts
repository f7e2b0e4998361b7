import { Router } from "express";
import { MongoClient } from "mongodb";

const client = new MongoClient(process.env.MONGO_URL ?? "mongodb://localhost:27017", {
  maxPoolSize: 50,
});
const users = client.db("app").collection("users");
const activity = client.db("app").collection("activity");
const badges = client.db("app").collection("badges");

// user id -> rendered profile card
const cardCache = new Map<string, object>();

export const usersRouter = Router();

export async function exportUsers() {
  return users.find({ deleted: false }).limit(5000).toArray();
}

usersRouter.get("/:id/card", async (req, res) => {
  const userId = req.params.id;
  const cached = cardCache.get(userId);
  if (cached) return res.json(cached);
  const user = await users.findOne({ _id: userId }, { projection: { name: 1, avatar: 1 } });
  const lastSeen = await activity.findOne({ userId }, { sort: { at: -1 } });
  const earned = await badges.countDocuments({ userId });
  const card = { name: user?.name, avatar: user?.avatar, lastSeen: lastSeen?.at, badges: earned };
  cardCache.set(userId, card);
  return res.json(card);
});
