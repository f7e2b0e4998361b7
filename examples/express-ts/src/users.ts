import { MongoClient } from "mongodb";

const client = new MongoClient(process.env.MONGO_URL ?? "mongodb://localhost:27017", {
  maxPoolSize: 50,
});

export async function exportUsers() {
  const users = client.db("app").collection("users");
  return users.find({ deleted: false }).limit(5000).toArray();
}
