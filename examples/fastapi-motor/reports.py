"""Nightly usage report written to the analytics database."""
from sqlalchemy import create_engine, text

engine = create_engine("postgresql+psycopg2://report:secret@analytics/usage")


def write_daily_totals(rows):
    with engine.begin() as conn:
        conn.execute(
            text("INSERT INTO daily_totals (day, users, requests) VALUES (:day, :users, :requests)"),
            rows,
        )
