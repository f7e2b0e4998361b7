import express, { Request, Response } from "express";
import session from "express-session";
import { Pool } from "pg";

import { remindAll } from "./reminders";
import { exportUsers } from "./users";

const app = express();
const pool = new Pool({ connectionString: process.env.DATABASE_URL });

app.use(express.json());
app.use(
  session({
    secret: process.env.SESSION_SECRET ?? "dev-secret",
    resave: false,
    saveUninitialized: false,
  }),
);

app.get("/orders/:id", async (req: Request, res: Response) => {
  const { rows } = await pool.query("SELECT * FROM orders WHERE id = $1", [req.params.id]);
  res.json(rows[0] ?? null);
});

app.post("/admin/reminders", async (_req: Request, res: Response) => {
  const { rows } = await pool.query("SELECT id FROM users WHERE reminders = true");
  await remindAll(rows.map((r) => r.id));
  res.status(202).end();
});

app.get("/admin/export", async (_req: Request, res: Response) => {
  res.json(await exportUsers());
});

app.listen(Number(process.env.PORT ?? 3000));
