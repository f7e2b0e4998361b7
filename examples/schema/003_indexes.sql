-- Indexes added after the orders page and the reminder push got slow.
CREATE INDEX orders_user_id_idx ON orders (user_id);
CREATE INDEX orders_month_id_idx ON orders (month, id);
CREATE INDEX reminders_user_id_idx ON reminders (user_id);
CREATE INDEX reminders_due_idx ON reminders (due_at) WHERE NOT pushed;
