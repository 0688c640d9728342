"""The area's population profile, for equality monitoring against who took part.

One row per (area, question, answer): how many usual residents of the area give that
answer in the Census 2021 (or the council's own estimate), with its source. Scrutiny
dashboards set each group's share of the people who answered pb's equality questions
beside its share of the area. Also: interests declared in a round by its staff.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import (
    CheckConstraint,
    DateTime,
    ForeignKey,
    Integer,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from pb.extensions import db
from pb.models.base import utcnow


class AreaProfile(db.Model):
    __tablename__ = "area_profiles"
    __table_args__ = (UniqueConstraint("area_id", "field", "category"),
                      CheckConstraint("population >= 0", name="profile_not_negative"))

    id: Mapped[int] = mapped_column(primary_key=True)
    area_id: Mapped[int] = mapped_column(ForeignKey("areas.id", ondelete="CASCADE"), index=True)
    # A question of pb.models.equality.QUESTIONS (age_band, sex, ...) and one answer code.
    field: Mapped[str] = mapped_column(String(30))
    category: Mapped[str] = mapped_column(String(40))
    population: Mapped[int] = mapped_column(Integer)
    source: Mapped[str] = mapped_column(String(200), default="")


class RoundInterest(db.Model):
    """An interest declared in a round by one of its officers, event staff or grant
    officers (a relative's project on the ballot, a seat on a bidding group's board...).
    Scrutiny reads them; the audit log records each."""

    __tablename__ = "round_interests"

    id: Mapped[int] = mapped_column(primary_key=True)
    round_id: Mapped[int] = mapped_column(ForeignKey("rounds.id", ondelete="CASCADE"),
                                          index=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    nature: Mapped[str] = mapped_column(Text)
    declared_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)

    round = relationship("Round")
    user = relationship("User")
