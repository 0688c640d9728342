"""A resident's data: the copy they can download, and deleting their account.

Deleting keeps what the public record needs and cuts the person out of it: the account's
email, name, postcode and date of birth are replaced, its sessions and sign-in history
go, and the ballot slots it voted through lose their link to it (the keyed account key
and masked id are cleared, the keyed voter key becomes a random one), so every counted
ballot stays counted and every result stays the same, but nothing in the database ties
those choices to anyone any more. Proposals they put forward stay (they were public)
under "Deleted account". The audit log is a sealed
chain and keeps the address as the actor of entries already written (see the notice).
"""

from __future__ import annotations

import secrets
from datetime import datetime

from flask_babel import gettext as _
from sqlalchemy import delete, func, select

from pb import audit, policy
from pb.errors import NotAllowed
from pb.extensions import db
from pb.models import LoginAttempt, Proposal, Round, User, UserSession
from pb.models.base import utcnow
from pb.models.voting import Ballot, Voter
from pb.passwords import hash_password, verify_password
from pb.privacy import PrivacyError
from pb.voting import keys

DELETED_NAME = "Deleted account"


def _when(value: datetime | None) -> str | None:
    return value.isoformat(timespec="seconds") if value else None


def export_data(user: User) -> dict:
    """Everything pb holds about ``user`` that is theirs to see, as plain JSON data.

    Ballots are listed by round and whether they count, never by choice: a copy that
    shows how someone voted could be demanded of them.
    """
    voted = db.session.execute(
        select(Voter.round_id, Ballot.status, Ballot.channel, Ballot.cast_at)
        .join(Ballot, Ballot.voter_id == Voter.id).where(_account_slots(user))
        .order_by(Ballot.cast_at)).all()
    proposals = db.session.scalars(select(Proposal).where(Proposal.proposer_id == user.id)
                                   .order_by(Proposal.id)).all()
    sign_ins = db.session.scalar(select(func.count()).select_from(LoginAttempt).where(
        LoginAttempt.email == user.email)) or 0
    return {
        "account": {"id": user.id, "email": user.email, "display_name": user.display_name,
                    "postcode": user.postcode,
                    "date_of_birth": user.date_of_birth.isoformat() if user.date_of_birth
                    else None,
                    "email_confirmed_at": _when(user.email_verified_at),
                    "last_sign_in_at": _when(user.last_login_at),
                    "roles": sorted(role.value for role in user.role_set())},
        "proposals": [{"id": p.id, "round_id": p.round_id, "title": p.title, "status": p.status,
                       "summary": p.summary, "description": p.description} for p in proposals],
        "ballots": [{"round_id": round_id, "status": status, "channel": channel,
                     "cast_at": _when(cast_at)} for round_id, status, channel, cast_at in voted],
        "sign_in_attempts_kept": sign_ins,
        "generated_at": _when(utcnow()),
    }


def delete_account(user: User, actor: User, password: str) -> None:
    """Delete ``user``'s account (see the module docstring). Only the person themselves,
    with their password; staff accounts are closed by an administrator instead."""
    if not policy.can_delete_account(actor, user):
        raise NotAllowed(_("Only the account's owner can delete it, and staff accounts are "
                           "closed by an administrator."))
    if not verify_password(user.password_hash, password or ""):
        raise PrivacyError(_("That password is not right."), field="password")
    old_email = user.email
    audit.record("account.deleted", user, actor=actor,
                 after={"ballot_slots_unlinked": _unlink_ballots(user)})
    db.session.execute(delete(UserSession).where(UserSession.user_id == user.id))
    db.session.execute(delete(LoginAttempt).where(LoginAttempt.email == old_email))
    user.email = f"deleted-{user.id}-{secrets.token_hex(4)}@deleted.invalid"
    user.display_name = DELETED_NAME
    user.postcode = user.date_of_birth = user.email_verified_at = user.last_login_at = None
    user.password_hash = hash_password(secrets.token_urlsafe(32))  # nobody knows it
    user.is_active_account = False
    user.session_version += 1
    user.roles.clear()
    db.session.commit()


def _account_slots(user: User):
    """Where-clause for the user's voter slots: their keyed account key in each round
    (the server makes them; the table holds no account id, see pb.voting.keys)."""
    round_ids = db.session.scalars(select(Round.id)).all()
    return Voter.account_key.in_([keys.account_key(rid, user.id) for rid in round_ids])


def _unlink_ballots(user: User) -> int:
    slots = db.session.scalars(select(Voter).where(_account_slots(user))).all()
    for slot in slots:
        slot.account_key = slot.account_ref = None
        slot.voter_key = f"deleted:{secrets.token_hex(12)}"
    return len(slots)
