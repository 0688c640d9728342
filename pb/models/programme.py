"""Funding programmes: the money a set of grants comes from, and how it is measured.

A programme belongs to a partnership (whose grant officers manage it), is fed by any
number of rounds (one programme can span several rounds and years), and carries the
catalogue its grants report against: KPIs (with a unit and how they add up across
returns) and unit costs (what an avoided A&E attendance saves, with its source) for
estimating savings to statutory services.
"""

from __future__ import annotations

import json

from sqlalchemy import (
    Boolean,
    CheckConstraint,
    Column,
    ForeignKey,
    Integer,
    String,
    Table,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from pb.extensions import db
from pb.models.base import Timestamped

# The outcome codelist (seed Table A3's estimated outcomes plus the proposals' aims).
OUTCOMES = {
    "reduced_isolation": "Reduced social isolation",
    "mental_health": "Improved mental health",
    "fewer_ae_attendances": "Fewer A&E attendances",
    "fewer_admissions": "Fewer hospital admissions",
    "individual_family_wellbeing": "Individual and family well-being",
    "community_wellbeing": "Community well-being",
    "childrens_wellbeing": "Children's well-being",
    "reduced_crime": "Reduced crime",
    "reduced_dependency": "Reduced drug and alcohol dependency",
    "health_in_work": "Better health for people in work",
    "physical_activity": "More physical activity",
    "healthy_eating": "Healthier eating",
}

# A proposal's aims, read as programme outcomes when a funded project becomes a grant.
OUTCOME_FROM_PROPOSAL = {
    "social_isolation": "reduced_isolation",
    "mental_health": "mental_health",
    "physical_activity": "physical_activity",
    "healthy_eating": "healthy_eating",
    "community_wellbeing": "community_wellbeing",
    "hospital_admissions": "fewer_admissions",
}

KPI_UNITS = {
    "people": "people", "hours": "hours", "households": "households",
    "contacts": "contacts", "sessions": "sessions", "count": "count",
}

# How a KPI's figures from successive returns combine into the grant's achievement.
AGGREGATIONS = {
    "sum": "Added up over the returns",
    "max": "The highest figure reported",
    "latest": "The latest figure reported",
}

FUNDING_ROUTES = {
    "pb": "Participatory Budgeting",
    "public_health_contract": "Public health contract",
    "council_programme": "Council programme support",
    "external": "External funding",
    "in_kind": "In kind",
}

programme_rounds = Table(
    "programme_rounds",
    db.metadata,
    Column("programme_id", ForeignKey("programmes.id", ondelete="CASCADE"), primary_key=True),
    Column("round_id", ForeignKey("rounds.id", ondelete="CASCADE"), primary_key=True),
)


class Programme(Timestamped, db.Model):
    __tablename__ = "programmes"
    __table_args__ = (CheckConstraint("budget_pence >= 0", name="budget_not_negative"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(160), unique=True)
    funder: Mapped[str] = mapped_column(String(160))
    description: Mapped[str] = mapped_column(Text, default="")
    partnership_id: Mapped[int] = mapped_column(ForeignKey("partnerships.id"), index=True)
    budget_pence: Mapped[int] = mapped_column(Integer)
    start_year: Mapped[int] = mapped_column(Integer)
    end_year: Mapped[int] = mapped_column(Integer)
    # How its grants' savings are estimated: always shown beside the ratio.
    savings_method: Mapped[str] = mapped_column(Text, default="")
    # Anything a reader must know about a published ratio (e.g. how a report rounded it).
    ratio_note: Mapped[str] = mapped_column(Text, default="")
    outcome_codes_json: Mapped[str] = mapped_column(Text, default="[]")
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))

    partnership = relationship("Partnership")
    rounds = relationship("Round", secondary=programme_rounds, order_by="Round.id")
    kpis: Mapped[list[ProgrammeKpi]] = relationship(
        back_populates="programme", cascade="all, delete-orphan",
        order_by="ProgrammeKpi.position")
    unit_costs: Mapped[list[UnitCost]] = relationship(
        back_populates="programme", cascade="all, delete-orphan", order_by="UnitCost.position")

    def __repr__(self) -> str:
        return f"<Programme {self.id} {self.name!r}>"

    @property
    def outcome_codes(self) -> list[str]:
        return list(json.loads(self.outcome_codes_json or "[]"))

    @outcome_codes.setter
    def outcome_codes(self, codes: list[str]) -> None:
        self.outcome_codes_json = json.dumps([c for c in OUTCOMES if c in set(codes)])

    @property
    def outcome_labels(self) -> list[str]:
        return [OUTCOMES[c] for c in self.outcome_codes if c in OUTCOMES]

    @property
    def years_label(self) -> str:
        if self.start_year == self.end_year:
            return str(self.start_year)
        return f"{self.start_year} to {self.end_year}"


class ProgrammeKpi(db.Model):
    """One KPI of a programme's catalogue, comparable across its grants and areas."""

    __tablename__ = "programme_kpis"
    __table_args__ = (UniqueConstraint("programme_id", "code"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    programme_id: Mapped[int] = mapped_column(
        ForeignKey("programmes.id", ondelete="CASCADE"), index=True)
    code: Mapped[str] = mapped_column(String(40))
    name: Mapped[str] = mapped_column(String(160))
    definition: Mapped[str] = mapped_column(Text, default="")
    unit: Mapped[str] = mapped_column(String(20), default="count")
    aggregation: Mapped[str] = mapped_column(String(10), default="sum")
    # A required KPI must be reported in every return of a grant that has a target for it.
    required: Mapped[bool] = mapped_column(Boolean, default=True)
    position: Mapped[int] = mapped_column(Integer, default=0)

    programme: Mapped[Programme] = relationship(back_populates="kpis")

    @property
    def aggregation_label(self) -> str:
        return AGGREGATIONS.get(self.aggregation, self.aggregation)


class UnitCost(db.Model):
    """What one avoided event saves a statutory service, and where that figure comes from."""

    __tablename__ = "programme_unit_costs"
    __table_args__ = (UniqueConstraint("programme_id", "code"),
                      CheckConstraint("cost_pence > 0", name="unit_cost_positive"))

    id: Mapped[int] = mapped_column(primary_key=True)
    programme_id: Mapped[int] = mapped_column(
        ForeignKey("programmes.id", ondelete="CASCADE"), index=True)
    code: Mapped[str] = mapped_column(String(40))
    name: Mapped[str] = mapped_column(String(160))
    cost_pence: Mapped[int] = mapped_column(Integer)
    beneficiary: Mapped[str] = mapped_column(String(80), default="")
    source: Mapped[str] = mapped_column(Text, default="")
    position: Mapped[int] = mapped_column(Integer, default=0)

    programme: Mapped[Programme] = relationship(back_populates="unit_costs")
