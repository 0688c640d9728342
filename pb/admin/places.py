"""Places and bodies: areas with their wards and postcodes, partnerships, themes, organisations.

Administrators only: every use case takes the acting person and checks
``policy.can_administer`` before it changes anything.
"""

from __future__ import annotations

import re

from flask_babel import gettext as _
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from pb import audit
from pb.admin import AdminError
from pb.errors import NotAllowed
from pb.extensions import db
from pb.models import Area, PostcodeCoverage, Theme, User, Ward
from pb.policy import can_administer


def require_admin(actor: User | None) -> None:
    if not can_administer(actor):
        raise NotAllowed(_("Only administrators can change this."))


# Areas -----------------------------------------------------------------------------------

def parse_wards(text: str) -> list[tuple[str, str | None]]:
    wards = []
    for line in text.splitlines():
        if not line.strip():
            continue
        name, _sep, code = line.partition(",")
        wards.append((name.strip(), code.strip() or None))
    return wards


def parse_coverage(text: str) -> list[tuple[str, str | None]]:
    entries = []
    for line in text.splitlines():
        if not line.strip():
            continue
        prefix, _sep, ward = line.partition(":")
        entries.append((re.sub(r"\s+", " ", prefix.strip().upper()), ward.strip() or None))
    return entries


def save_area(actor: User, area: Area | None, name: str, description: str, wards_text: str,
              postcodes_text: str) -> Area:
    require_admin(actor)
    creating = area is None
    area = area or Area()
    wards = parse_wards(wards_text)
    coverage = parse_coverage(postcodes_text)
    ward_names = {w for w, _ in wards}
    errors = {}
    unknown = sorted({w for _prefix, w in coverage if w and w not in ward_names})
    if unknown:
        errors["postcodes"] = _("These wards are not in the ward list: %(wards)s.",
                                wards=", ".join(unknown))
    if len({p for p, _ in coverage}) != len(coverage):
        errors["postcodes"] = _("A postcode district or sector is listed twice.")
    if len(ward_names) != len(wards):
        errors["wards"] = _("A ward is listed twice.")
    clash = db.session.scalar(select(Area).where(Area.name == name.strip(), Area.id != (area.id or 0)))
    if clash:
        errors["name"] = _("Another area already has that name.")
    if errors:
        raise AdminError(field_errors=errors)

    before = None if creating else area_snapshot(area)
    area.name, area.description = name.strip(), description.strip()
    existing = {w.name: w for w in area.wards}
    for ward_name, code in wards:
        ward = existing.pop(ward_name, None) or Ward(name=ward_name)
        ward.code = code
        if ward not in area.wards:
            area.wards.append(ward)
    for stale in existing.values():
        area.wards.remove(stale)
    db.session.add(area)
    try:
        db.session.flush()
    except IntegrityError as exc:
        db.session.rollback()
        if not existing:  # nothing removed: another admin saved the same name meanwhile
            raise AdminError(field_errors={"name": _("Another area already has that name.")}) from exc
        # A removed ward is still used (by a round's ward budget, a proposal...).
        names = ", ".join(sorted(existing))
        raise AdminError(field_errors={"wards": _(
            "These wards are used by rounds or proposals, so they cannot be removed: %(names)s.",
            names=names)}) from exc
    by_name = {w.name: w for w in area.wards}
    area.postcode_coverage.clear()
    db.session.flush()
    for prefix, ward_name in coverage:
        area.postcode_coverage.append(
            PostcodeCoverage(prefix=prefix, ward=by_name.get(ward_name) if ward_name else None))
    db.session.flush()
    audit.record("area.created" if creating else "area.updated", area, before=before,
                 after=area_snapshot(area), actor=actor)
    db.session.commit()
    return area


def area_snapshot(area: Area) -> dict:
    return {"name": area.name, "wards": [w.name for w in area.wards],
            "postcodes": [c.prefix for c in area.postcode_coverage]}


# Partnerships, themes and organisations -------------------------------------------------------

def _taken(kind: str) -> str:
    """The refusal when the name is taken, whole for each kind (for translation)."""
    return {"partnership": _("Another partnership already has that name."),
            "organisation": _("Another organisation already has that name."),
            }.get(kind) or _("Another theme already has that name.")


def save_simple(actor: User, obj, kind: str, values: dict, unique_field: str = "name"):
    """Create or update a partnership, theme or organisation from form values."""
    require_admin(actor)
    model = type(obj)
    clash = db.session.scalar(select(model).where(
        getattr(model, unique_field) == values[unique_field], model.id != (obj.id or 0)))
    if clash:
        raise AdminError(field_errors={unique_field: _taken(kind)})
    creating = obj.id is None
    before = None if creating else {k: getattr(obj, k) for k in values}
    for key, value in values.items():
        setattr(obj, key, value)
    if isinstance(obj, Theme) and not obj.slug:
        obj.slug = re.sub(r"[^a-z0-9]+", "-", obj.name.lower()).strip("-")
        if db.session.scalar(select(Theme).where(Theme.slug == obj.slug,
                                                 Theme.id != (obj.id or 0))):
            db.session.rollback()
            raise AdminError(field_errors={unique_field: _("Another theme already has a name "
                                                           "like that.")})
    db.session.add(obj)
    try:
        db.session.flush()
    except IntegrityError as exc:  # e.g. two admins saving the same name at once
        db.session.rollback()
        raise AdminError(field_errors={unique_field: _taken(kind)}) from exc
    audit.record(f"{kind}.{'created' if creating else 'updated'}", obj, before=before,
                 after=values, actor=actor)
    db.session.commit()
    return obj


def all_of(model, order=None):
    return list(db.session.scalars(select(model).order_by(order or model.name)))
