"""The area's population profile, for equality monitoring against who took part.

One row per (area, question, answer): how many usual residents of the area give that
answer in the Census 2021 (or the council's own estimate), with its source. Scrutiny
dashboards set each group's share of the people who answered pb's equality questions
beside its share of the area.
"""

from __future__ import annotations

from sqlalchemy import CheckConstraint, ForeignKey, Integer, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from pb.extensions import db


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
