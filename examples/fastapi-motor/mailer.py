"""Outbound mail through the internal relay."""
import aiosmtplib


async def send_email(to, subject, body):
    message = f"Subject: {subject}\r\nTo: {to}\r\n\r\n{body}"
    await aiosmtplib.send(message, sender="noreply@example.com", recipients=[to],
                          hostname="smtp.internal", timeout=10)
