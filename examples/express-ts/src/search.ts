import { Router } from "express";

import { replica } from "./db";

export const searchRouter = Router();

searchRouter.get("/products", async (req, res) => {
  const limit = Number(req.query.limit ?? 20);
  const { rows } = await replica.query(
    "SELECT id, name, seller_id FROM products WHERE name ILIKE $1 ORDER BY rank DESC LIMIT $2",
    [`%${req.query.q}%`, limit * 3],
  );
  const { rows: banned } = await replica.query("SELECT seller_id FROM banned_sellers WHERE active");
  const bannedIds = banned.map((b) => b.seller_id);
  res.json(rows.filter((p) => !bannedIds.includes(p.seller_id)).slice(0, limit));
});
