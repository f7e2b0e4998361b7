import { pbkdf2Sync, timingSafeEqual } from "node:crypto";

import { Request, Response } from "express";

import { pool } from "./db";

export async function login(req: Request, res: Response) {
  const { email, password } = req.body;
  const { rows } = await pool.query("SELECT id, salt, hash FROM users WHERE email = $1", [email]);
  const user = rows[0];
  if (!user) {
    res.status(401).end();
    return;
  }
  const hash = pbkdf2Sync(password, user.salt, 310_000, 32, "sha256");
  if (!timingSafeEqual(hash, Buffer.from(user.hash, "hex"))) {
    res.status(401).end();
    return;
  }
  req.session.regenerate(() => res.json({ id: user.id }));
}
