import { Router } from "express";
import { Client } from "pg";

import { pool } from "./db";

export const ordersRouter = Router();

ordersRouter.get("/:id", async (req, res) => {
  const { rows } = await pool.query("SELECT * FROM orders WHERE id = $1", [req.params.id]);
  res.json(rows[0] ?? null);
});

// the basket page: one lookup per item id in the basket
ordersRouter.post("/basket/prices", async (req, res) => {
  const prices: Record<string, number> = {};
  for (const sku of req.body.skus as string[]) {
    const { rows } = await pool.query("SELECT price FROM products WHERE sku = $1", [sku]);
    prices[sku] = rows[0]?.price ?? null;
  }
  res.json(prices);
});

// accounting pulls every order of the month as CSV
ordersRouter.get("/export/:month", async (req, res) => {
  const client = new Client({ connectionString: process.env.DATABASE_URL });
  await client.connect();
  res.type("text/csv");
  let offset = 0;
  for (;;) {
    const { rows } = await client.query(
      "SELECT id, user_id, total FROM orders WHERE month = $1 ORDER BY id LIMIT 1000 OFFSET $2",
      [req.params.month, offset],
    );
    if (rows.length === 0) break;
    for (const r of rows) res.write(`${r.id},${r.user_id},${r.total}\n`);
    offset += 1000;
  }
  await client.end();
  res.end();
});
