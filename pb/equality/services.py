"""Recording equality answers: one anonymous row, checked, in the caller's transaction."""

from __future__ import annotations

from flask_babel import gettext as _

from pb.errors import DomainError
from pb.extensions import db
from pb.models import equality
from pb.models.base import utcnow
from pb.models.equality import EQUALITY_CONTEXTS, EqualityResponse
from pb.models.place import Ward

_ALLOWED = {field: {code for code, _words in answers} | {equality.PREFER_NOT[0]}
            for field, (_question, answers) in equality.QUESTIONS.items()}


class EqualityError(DomainError):
    """An answer that is not one of the question's answers (a tampered form)."""


def record(context: str, answers: dict, *, round_=None, source_id: int | None = None,
           area=None) -> EqualityResponse | None:
    """Store one person's answers; returns None (and stores nothing) if all were skipped.

    ``answers`` maps question fields (and ``ward_id``) to codes; unknown codes are
    refused. The caller commits (with its own audit entry, which must not hold answers).
    """
    if context not in EQUALITY_CONTEXTS:
        raise ValueError(f"unknown equality context {context!r}")
    clean = {}
    for field, allowed in _ALLOWED.items():
        value = answers.get(field) or None
        if value is not None and value not in allowed:
            raise EqualityError(_("Choose one of the answers offered, or leave it blank."),
                                field=field)
        clean[field] = value
    ward_id = answers.get("ward_id") or None
    if ward_id is not None:
        ward = db.session.get(Ward, ward_id)
        area_id = area.id if area is not None else (round_.area_id if round_ else None)
        if ward is None or (area_id is not None and ward.area_id != area_id):
            raise EqualityError(_("Choose one of the wards listed."), field="ward_id")
    if ward_id is None and not any(clean.values()):
        return None
    response = EqualityResponse(context=context, round_id=round_.id if round_ else None,
                                source_id=source_id, ward_id=ward_id,
                                recorded_on=utcnow().date(), **clean)
    db.session.add(response)
    return response
