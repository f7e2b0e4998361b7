-- Postgres schema of the reminders API (examples/express-ts).

CREATE TABLE users (
    id          bigserial PRIMARY KEY,
    email       text NOT NULL UNIQUE,
    salt        bytea NOT NULL,
    hash        text NOT NULL,
    fcm_token   text,
    reminders   boolean NOT NULL DEFAULT true,
    created_at  timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE sellers (
    id          bigserial PRIMARY KEY,
    name        text NOT NULL
);

CREATE TABLE products (
    sku         text PRIMARY KEY,
    seller_id   bigint NOT NULL REFERENCES sellers (id),
    name        text NOT NULL,
    price       numeric(10, 2) NOT NULL,
    rank        real NOT NULL DEFAULT 0
);

CREATE TABLE orders (
    id          bigserial PRIMARY KEY,
    user_id     bigint NOT NULL REFERENCES users (id),
    month       char(7) NOT NULL,
    total       numeric(10, 2) NOT NULL,
    created_at  timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE reminders (
    id          bigserial PRIMARY KEY,
    user_id     bigint NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    title       text NOT NULL,
    due_at      timestamptz NOT NULL,
    pushed      boolean NOT NULL DEFAULT false
);

-- one row per user: the primary key is the foreign key, so it is indexed
CREATE TABLE user_settings (
    user_id     bigint PRIMARY KEY REFERENCES users (id) ON DELETE CASCADE,
    timezone    text NOT NULL DEFAULT 'UTC'
);
