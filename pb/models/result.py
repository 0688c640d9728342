"""A round's result: the tally's inputs and outcome, its certification and any override.

The row keeps what is needed to reproduce the count: the rule, the tie-break, a
SHA-256 of the exact .pb text the core was given, and the core's outcome JSON.
"""

from __future__ import annotations

import json
from datetime import datetime

from sqlalchemy import DateTime, ForeignKey, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from pb.extensions import db
from pb.models.base import utcnow


class RoundResult(db.Model):
    __tablename__ = "round_results"

    id: Mapped[int] = mapped_column(primary_key=True)
    round_id: Mapped[int] = mapped_column(ForeignKey("rounds.id", ondelete="CASCADE"),
                                          unique=True)
    rule: Mapped[str] = mapped_column(String(40))
    tie_break: Mapped[str] = mapped_column(String(40))
    inputs_hash: Mapped[str] = mapped_column(String(64))
    ballots_counted: Mapped[int] = mapped_column(Integer)
    budget_pence: Mapped[int] = mapped_column(Integer)
    outcome_json: Mapped[str] = mapped_column(Text)
    tallied_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    tallied_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    # An officer's change to the computed outcome: the funded project ids and why.
    override_selected_json: Mapped[str | None] = mapped_column(Text)
    override_reason: Mapped[str | None] = mapped_column(Text)
    override_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    # The constraints the override breaks, each named and published (a JSON list of
    # {"constraint", "text"}); an override may break one only as an explicit exception.
    override_exceptions_json: Mapped[str | None] = mapped_column(Text)
    # The same ballots under other rules ({rule: {"selected", "spent", "metrics"}}), computed
    # once at the count so that pages never re-run the rules.
    comparison_json: Mapped[str | None] = mapped_column(Text)
    certified_at: Mapped[datetime | None] = mapped_column(DateTime)
    certified_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))

    round = relationship("Round")
    tallied_by = relationship("User", foreign_keys=[tallied_by_id])
    certified_by = relationship("User", foreign_keys=[certified_by_id])
    override_by = relationship("User", foreign_keys=[override_by_id])

    @property
    def outcome(self) -> dict:
        return json.loads(self.outcome_json)

    @property
    def comparison(self) -> dict:
        return json.loads(self.comparison_json) if self.comparison_json else {}

    @property
    def computed_selected(self) -> list[str]:
        return list(self.outcome["selected"])

    @property
    def selected(self) -> list[str]:
        """The funded project ids: the override's where there is one, else the count's."""
        if self.override_selected_json is not None:
            return list(json.loads(self.override_selected_json))
        return self.computed_selected

    @property
    def override_exceptions(self) -> list[dict]:
        return json.loads(self.override_exceptions_json) if self.override_exceptions_json else []

    @property
    def is_certified(self) -> bool:
        return self.certified_at is not None

    @property
    def spent_pence(self) -> int:
        projects = self.outcome["projects"]
        return sum(int(projects[pid]["cost"]) for pid in self.selected)
