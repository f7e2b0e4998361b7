import { createServer } from "node:http";

import express, { NextFunction, Request, Response } from "express";
import rateLimit from "express-rate-limit";
import session from "express-session";

import { pool } from "./db";
import { login } from "./auth";
import { ordersRouter } from "./orders";
import { attachRealtime } from "./realtime";
import { remindAll } from "./reminders";
import { searchRouter } from "./search";
import { exportUsers, usersRouter } from "./users";

const app = express();

app.use(express.json());
app.use(
  session({
    secret: process.env.SESSION_SECRET ?? "dev-secret",
    resave: false,
    saveUninitialized: false,
  }),
);
app.use("/login", rateLimit({ windowMs: 60_000, limit: 10 }));
app.use(async (req: Request, _res: Response, next: NextFunction) => {
  await pool.query("INSERT INTO request_log (path, session, at) VALUES ($1, $2, now())", [
    req.path,
    req.session?.id ?? null,
  ]);
  next();
});

app.post("/login", login);
app.use("/orders", ordersRouter);
app.use("/search", searchRouter);

app.use("/users", usersRouter);

app.post("/admin/reminders", async (_req: Request, res: Response) => {
  const { rows } = await pool.query("SELECT id FROM users WHERE reminders = true");
  await remindAll(rows.map((r) => r.id));
  res.status(202).end();
});

app.get("/admin/export", async (_req: Request, res: Response) => {
  res.json(await exportUsers());
});

const server = createServer(app);
attachRealtime(server);
server.listen(Number(process.env.PORT ?? 3000));
