"""Interests declared in a round by its officers, event staff and grant officers.

One use case: declare. It checks the policy again with the person passed in, keeps the
words as written (trimmed), records one audit entry and commits once. Scrutiny reads
the declarations on its decisions page.
"""

from __future__ import annotations

from flask_babel import gettext as _
from sqlalchemy import select

from pb import audit
from pb.errors import DomainError, NotAllowed, refuse
from pb.extensions import db
from pb.models import RoundInterest
from pb.policy import can_declare_round_interest

NATURE_MIN, NATURE_MAX = 10, 2000


class InterestError(DomainError):
    status = 400


def declare_round_interest(round_, actor, nature: str) -> RoundInterest:
    """Record ``actor``'s interest in ``round_``."""
    if not can_declare_round_interest(actor, round_):
        raise refuse(NotAllowed(_("Declarations in a round are made by its officers, event "
                                "staff and grant officers.")))
    nature = " ".join((nature or "").split())
    if len(nature) < NATURE_MIN:
        raise refuse(InterestError(_("Say what the interest is (for example: my sister "
                                   "chairs a group with a project on the ballot)."),
                                   field="nature"))
    declaration = RoundInterest(round_id=round_.id, user_id=actor.id,
                                nature=nature[:NATURE_MAX])
    db.session.add(declaration)
    db.session.flush()
    audit.record("round.interest_declared", round_, actor=actor,
                 after={"declaration_id": declaration.id, "user_id": actor.id,
                        "nature": declaration.nature})
    db.session.commit()
    return declaration


def declared_by(round_, user) -> list[RoundInterest]:
    return list(db.session.scalars(select(RoundInterest).where(
        RoundInterest.round_id == round_.id, RoundInterest.user_id == user.id)
        .order_by(RoundInterest.declared_at)))
