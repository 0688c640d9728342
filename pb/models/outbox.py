"""Emails waiting to be sent: the outbox (pb.jobs.outbox sends and deletes them).

A row is written in the transaction of the change it reports (a ballot's receipt), so
the email exists exactly when the change does, and the request never waits for a mail
server. A sent row is deleted: a receipt email carries the receipt code in plain text,
which pb otherwise keeps only as a hash. A failed send keeps the row, counts the
attempt and waits longer before the next one; nothing is dropped.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import DateTime, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from pb.extensions import db
from pb.models.base import utcnow


class OutboxEmail(db.Model):
    __tablename__ = "outbox_emails"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    recipient: Mapped[str] = mapped_column(String(254))
    subject: Mapped[str] = mapped_column(String(300))
    body: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    last_error: Mapped[str | None] = mapped_column(String(500))
    # When a sender may take the row: now for a new one, later after a failure (backoff),
    # and a few minutes ahead while a sender holds it (its lease; see pb.jobs.outbox).
    next_attempt_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow, index=True)
