"""Public-service pages an administrator edits: accessibility, contact, cookies, terms and
the partnership's part of the privacy notice. A page with no row shows its built-in text."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import DateTime, ForeignKey, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from pb.extensions import db
from pb.models.base import utcnow
from pb.models.user import User


class PublicPage(db.Model):
    """One page's title and Markdown body, as last saved by an administrator."""

    __tablename__ = "public_pages"

    id: Mapped[int] = mapped_column(primary_key=True)
    slug: Mapped[str] = mapped_column(String(40), unique=True)
    title: Mapped[str] = mapped_column(String(120))
    body: Mapped[str] = mapped_column(Text, default="")
    updated_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    updated_by_id: Mapped[int | None] = mapped_column(
        ForeignKey("users.id", ondelete="SET NULL"), nullable=True)

    updated_by: Mapped[User | None] = relationship()
