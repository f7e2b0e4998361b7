CREATE TABLE request_log (
    id          bigserial PRIMARY KEY,
    path        text NOT NULL,
    session     text,
    at          timestamptz NOT NULL
);

CREATE TABLE banned_sellers (
    seller_id   bigint PRIMARY KEY REFERENCES sellers (id),
    active      boolean NOT NULL DEFAULT true
);
