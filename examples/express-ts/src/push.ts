import { getMessaging } from "firebase-admin/messaging";

import { pool } from "./db";

// "your reminder is due" pushes, sent by the cron worker every minute
export async function pushDueReminders(): Promise<void> {
  const { rows } = await pool.query(
    "SELECT u.id, u.fcm_token, r.title FROM reminders r JOIN users u ON u.id = r.user_id WHERE r.due_at <= now() AND NOT r.pushed",
  );
  await Promise.all(
    rows.map((r) => getMessaging().send({ token: r.fcm_token, notification: { title: r.title } })),
  );
}

export async function webhookHealth(url: string): Promise<boolean> {
  const resp = await fetch(url, { method: "HEAD" });
  return resp.ok;
}
