"""Where PB happens and who takes part: areas, wards, partnerships, themes, organisations."""

from __future__ import annotations

import re

from sqlalchemy import ForeignKey, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from pb.extensions import db
from pb.models.base import Timestamped

POSTCODE_RE = re.compile(r"^([A-Z]{1,2}[0-9][A-Z0-9]?) ?([0-9])([A-Z]{2})$")
COVERAGE_RE = re.compile(r"^[A-Z]{1,2}[0-9][A-Z0-9]?( [0-9])?$")


def normalise_postcode(raw: str) -> str | None:
    """'sk10 1ab' -> 'SK10 1AB'; None when it is not a UK postcode."""
    compact = re.sub(r"\s+", "", (raw or "").upper())
    match = POSTCODE_RE.match(compact)
    if not match:
        return None
    return f"{match.group(1)} {match.group(2)}{match.group(3)}"


class Area(Timestamped, db.Model):
    """A place with a PB programme, e.g. a town, made of wards."""

    __tablename__ = "areas"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(120), unique=True)
    description: Mapped[str] = mapped_column(Text, default="")

    wards: Mapped[list[Ward]] = relationship(back_populates="area", order_by="Ward.name",
                                             cascade="all, delete-orphan")
    postcode_coverage: Mapped[list[PostcodeCoverage]] = relationship(
        back_populates="area", order_by="PostcodeCoverage.prefix", cascade="all, delete-orphan")

    def ward_for_postcode(self, postcode: str) -> Ward | None:
        entry = self.coverage_for(postcode)
        return entry.ward if entry else None

    def covers_postcode(self, postcode: str) -> bool:
        return self.coverage_for(postcode) is not None

    def coverage_for(self, postcode: str) -> PostcodeCoverage | None:
        """The most specific district or sector entry covering a postcode."""
        normal = normalise_postcode(postcode)
        if normal is None:
            return None
        district, inward = normal.split(" ")
        sector = f"{district} {inward[0]}"
        by_prefix = {entry.prefix: entry for entry in self.postcode_coverage}
        return by_prefix.get(sector) or by_prefix.get(district)


class Ward(db.Model):
    __tablename__ = "wards"
    __table_args__ = (UniqueConstraint("area_id", "name"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    area_id: Mapped[int] = mapped_column(ForeignKey("areas.id", ondelete="CASCADE"), index=True)
    name: Mapped[str] = mapped_column(String(120))
    # ONS ward code (e.g. E05008617) where known: lets scrutiny join our data to theirs.
    code: Mapped[str | None] = mapped_column(String(12))
    # Usual residents (Census 2021 or the council's estimate) where known: turnout per ward.
    population: Mapped[int | None] = mapped_column(Integer)

    area: Mapped[Area] = relationship(back_populates="wards")


class PostcodeCoverage(db.Model):
    """A postcode district ("SK10") or sector ("SK10 1") inside an area, optionally in a ward."""

    __tablename__ = "postcode_coverage"
    __table_args__ = (UniqueConstraint("area_id", "prefix"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    area_id: Mapped[int] = mapped_column(ForeignKey("areas.id", ondelete="CASCADE"), index=True)
    ward_id: Mapped[int | None] = mapped_column(ForeignKey("wards.id", ondelete="SET NULL"))
    prefix: Mapped[str] = mapped_column(String(8))

    area: Mapped[Area] = relationship(back_populates="postcode_coverage")
    ward: Mapped[Ward | None] = relationship()


class Partnership(Timestamped, db.Model):
    """The body that runs PB rounds in an area (e.g. a neighbourhood health partnership)."""

    __tablename__ = "partnerships"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(160), unique=True)
    area_id: Mapped[int] = mapped_column(ForeignKey("areas.id"), index=True)
    contact_email: Mapped[str | None] = mapped_column(String(254))
    description: Mapped[str] = mapped_column(Text, default="")

    area: Mapped[Area] = relationship()


class Theme(db.Model):
    """A health theme proposals address (social isolation, mental health, ...)."""

    __tablename__ = "themes"

    id: Mapped[int] = mapped_column(primary_key=True)
    slug: Mapped[str] = mapped_column(String(60), unique=True)
    name: Mapped[str] = mapped_column(String(120), unique=True)
    description: Mapped[str] = mapped_column(Text, default="")


ORGANISATION_KINDS = {
    "community_group": "Community group",
    "charity": "Registered charity",
    "cic": "Community interest company",
    "social_enterprise": "Social enterprise",
    "school": "School",
    "faith_group": "Faith group",
    "public_body": "Public body",
}


class Organisation(Timestamped, db.Model):
    """A community group, charity or CIC that proposes or delivers projects."""

    __tablename__ = "organisations"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(160), unique=True)
    kind: Mapped[str] = mapped_column(String(30), default="community_group")
    charity_number: Mapped[str | None] = mapped_column(String(20))
    company_number: Mapped[str | None] = mapped_column(String(20))
    postcode: Mapped[str | None] = mapped_column(String(10))
    website: Mapped[str | None] = mapped_column(String(200))
    description: Mapped[str] = mapped_column(Text, default="")

    members: Mapped[list[OrganisationMember]] = relationship(
        back_populates="organisation", cascade="all, delete-orphan")

    @property
    def kind_label(self) -> str:
        return ORGANISATION_KINDS.get(self.kind, self.kind)


class OrganisationMember(db.Model):
    """A resident who may propose on behalf of an organisation."""

    __tablename__ = "organisation_members"
    __table_args__ = (UniqueConstraint("organisation_id", "user_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    organisation_id: Mapped[int] = mapped_column(
        ForeignKey("organisations.id", ondelete="CASCADE"), index=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)

    organisation: Mapped[Organisation] = relationship(back_populates="members")
    user = relationship("User")
