"""Submissions: the idempotency keys of forms that create something.

A form that creates (a batch of voting codes, a ballot, a count, a change to a result,
a certification) carries a random key made when the page was shown. The use case
stores the key's hash here in the same transaction as what it creates, so a refresh,
a double click or a resent request finds the first request's work instead of doing
it twice. The key's hash is the primary key: two requests racing with the same key
cannot both commit.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import DateTime, ForeignKey, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from pb.extensions import db
from pb.models.base import utcnow


class Submission(db.Model):
    __tablename__ = "submissions"

    # SHA-256 of the form's key (the key itself may derive secrets, e.g. a code sheet).
    key_hash: Mapped[str] = mapped_column(String(64), primary_key=True)
    action: Mapped[str] = mapped_column(String(40))
    object_id: Mapped[int | None] = mapped_column(Integer)
    user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
