"""Who hears about a grant by email: its grant officers, and its grantee's people."""

from __future__ import annotations

from sqlalchemy import select

from pb.extensions import db
from pb.mail import send_mail
from pb.models import Role, RoleAssignment, User


def officers_of(grant) -> list[User]:
    return list(db.session.scalars(
        select(User).join(RoleAssignment, RoleAssignment.user_id == User.id).where(
            RoleAssignment.role == Role.GRANT_OFFICER,
            RoleAssignment.partnership_id == grant.partnership_id,
            User.is_active_account.is_(True)).order_by(User.id)))


def grantees_of(grant) -> list[User]:
    if grant.organisation_id is None:
        return []
    return list(db.session.scalars(
        select(User).join(RoleAssignment, RoleAssignment.user_id == User.id).where(
            RoleAssignment.role == Role.GRANTEE,
            RoleAssignment.organisation_id == grant.organisation_id,
            User.is_active_account.is_(True)).order_by(User.id)))


def send(people: list[User], subject: str, body: str) -> int:
    """Email each person once; returns how many were sent."""
    seen = set()
    for person in people:
        if person.email in seen:
            continue
        seen.add(person.email)
        send_mail(person.email, subject, f"Hello {person.display_name},\n\n{body}\n\npb")
    return len(seen)
