"""Accounts, role assignments and log-in attempts."""

from __future__ import annotations

import enum
import hashlib
from datetime import date, datetime

from flask_login import UserMixin
from sqlalchemy import (
    Boolean,
    Date,
    DateTime,
    Enum,
    ForeignKey,
    Index,
    Integer,
    String,
    UniqueConstraint,
    select,
)
from sqlalchemy.orm import Mapped, joinedload, mapped_column, relationship

from pb.extensions import db
from pb.models.base import Timestamped, utcnow


class Role(str, enum.Enum):
    """What a person may do. Some roles apply within one partnership or organisation."""

    RESIDENT = "resident"
    OFFICER = "officer"  # runs rounds for a partnership
    EVENT_STAFF = "event_staff"  # works a decision day for a partnership
    SCRUTINY = "scrutiny"  # council scrutiny: reads everything, changes nothing
    GRANT_OFFICER = "grant_officer"  # manages grants for a partnership
    GRANTEE = "grantee"  # reports on grants for an organisation
    ADMIN = "admin"

    @property
    def label(self) -> str:
        return ROLE_LABELS[self]

    @property
    def scope(self) -> str | None:
        return ROLE_SCOPES.get(self)


ROLE_LABELS = {
    Role.RESIDENT: "Resident",
    Role.OFFICER: "Partnership officer",
    Role.EVENT_STAFF: "Event staff",
    Role.SCRUTINY: "Council scrutiny",
    Role.GRANT_OFFICER: "Grant officer",
    Role.GRANTEE: "Grantee",
    Role.ADMIN: "Administrator",
}

# Which kind of body a role is scoped to (None: it applies everywhere).
ROLE_SCOPES = {
    Role.OFFICER: "partnership",
    Role.EVENT_STAFF: "partnership",
    Role.GRANT_OFFICER: "partnership",
    Role.GRANTEE: "organisation",
}


class User(UserMixin, Timestamped, db.Model):
    __tablename__ = "users"

    id: Mapped[int] = mapped_column(primary_key=True)
    email: Mapped[str] = mapped_column(String(254), unique=True)
    display_name: Mapped[str] = mapped_column(String(80))
    password_hash: Mapped[str] = mapped_column(String(255))
    email_verified_at: Mapped[datetime | None] = mapped_column(DateTime)
    postcode: Mapped[str | None] = mapped_column(String(10))
    date_of_birth: Mapped[date | None] = mapped_column(Date)
    is_active_account: Mapped[bool] = mapped_column(Boolean, default=True)
    # Bumped when the password changes or the user signs out everywhere, so that old
    # session cookies stop working (it is part of the session token).
    session_version: Mapped[int] = mapped_column(Integer, default=1)
    failed_logins: Mapped[int] = mapped_column(Integer, default=0)
    locked_until: Mapped[datetime | None] = mapped_column(DateTime)
    last_login_at: Mapped[datetime | None] = mapped_column(DateTime)

    roles: Mapped[list[RoleAssignment]] = relationship(
        back_populates="user", cascade="all, delete-orphan", foreign_keys="RoleAssignment.user_id"
    )

    def __repr__(self) -> str:
        return f"<User {self.id} {self.email}>"

    # Flask-Login -----------------------------------------------------------
    # The browser session this object was loaded for (see UserSession); not a column.
    session_token = None  # str | None

    def get_id(self) -> str:
        """What the session and remember cookies carry: id, session version, session token.

        Bumping ``session_version`` ends every session ("sign out everywhere", a new
        password); revoking one ``UserSession`` ends that browser's (signing out).
        """
        return f"{self.id}:{self.session_version}:{self.session_token or ''}"

    @property
    def is_active(self) -> bool:
        return self.is_active_account

    @classmethod
    def from_session_token(cls, token: str, not_before: datetime | None = None) -> User | None:
        """The user a cookie's id names, if that browser session is still live."""
        parts = token.split(":")
        if len(parts) != 3 or not parts[0].isdigit() or not parts[1].isdigit() \
                or not parts[2] or len(token) > 200:
            return None
        user_id, version, session_token = int(parts[0]), int(parts[1]), parts[2]
        # One query for the live session, its account and the account's roles (every
        # request needs all three; they were three queries).
        row = db.session.execute(
            select(cls, UserSession.created_at)
            .join(UserSession, UserSession.user_id == cls.id)
            .where(UserSession.token_hash == session_token_hash(session_token),
                   UserSession.revoked_at.is_(None), cls.id == user_id)
            .options(joinedload(cls.roles))).unique().first()
        if row is None or (not_before is not None and row.created_at < not_before):
            return None
        user = row[0]
        if user.session_version != version:
            return None
        user.session_token = session_token
        return user

    @classmethod
    def by_email(cls, email: str) -> User | None:
        return db.session.scalar(select(cls).where(cls.email == normalise_email(email)))

    # Roles -----------------------------------------------------------------
    @property
    def is_verified(self) -> bool:
        return self.email_verified_at is not None

    def has_role(self, role: Role, partnership_id: int | None = None,
                 organisation_id: int | None = None) -> bool:
        for assignment in self.roles:
            if assignment.role != role:
                continue
            if partnership_id is not None and assignment.partnership_id != partnership_id:
                continue
            if organisation_id is not None and assignment.organisation_id != organisation_id:
                continue
            return True
        return False

    def role_set(self) -> set[Role]:
        return {assignment.role for assignment in self.roles}

    @property
    def is_admin(self) -> bool:
        return self.has_role(Role.ADMIN)

    def partnership_ids(self, *roles: Role) -> set[int]:
        return {a.partnership_id for a in self.roles
                if a.role in roles and a.partnership_id is not None}

    def organisation_ids(self, *roles: Role) -> set[int]:
        return {a.organisation_id for a in self.roles
                if a.role in roles and a.organisation_id is not None}


def normalise_email(email: str) -> str:
    return email.strip().lower()


class RoleAssignment(db.Model):
    __tablename__ = "role_assignments"
    __table_args__ = (
        UniqueConstraint("user_id", "role", "partnership_id", "organisation_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    role: Mapped[Role] = mapped_column(Enum(Role, native_enum=False, length=20,
                                            values_callable=lambda e: [m.value for m in e]))
    partnership_id: Mapped[int | None] = mapped_column(ForeignKey("partnerships.id"))
    organisation_id: Mapped[int | None] = mapped_column(ForeignKey("organisations.id"))
    granted_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    granted_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)

    user: Mapped[User] = relationship(back_populates="roles", foreign_keys=[user_id])
    partnership = relationship("Partnership")
    organisation = relationship("Organisation")

    @property
    def scope_label(self) -> str:
        if self.partnership is not None:
            return self.partnership.name
        if self.organisation is not None:
            return self.organisation.name
        return "Everywhere"


class LoginAttempt(db.Model):
    """One log-in attempt, kept for throttling per account and per IP address."""

    __tablename__ = "login_attempts"
    __table_args__ = (Index("ix_login_attempts_ip_at", "ip_address", "attempted_at"),
                      Index("ix_login_attempts_email_at", "email", "attempted_at"))

    id: Mapped[int] = mapped_column(primary_key=True)
    email: Mapped[str] = mapped_column(String(254))
    ip_address: Mapped[str] = mapped_column(String(45))
    succeeded: Mapped[bool] = mapped_column(Boolean, default=False)
    attempted_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)


def session_token_hash(token: str) -> str:
    return hashlib.sha256(b"pb-session:" + token.encode()).hexdigest()


class UserSession(db.Model):
    """One signed-in browser. Its cookies carry the token; signing out revokes the row,
    so a copy of either cookie (session or "keep me signed in") stops working."""

    __tablename__ = "user_sessions"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    # SHA-256 of the token: the database alone cannot be replayed as cookies.
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    revoked_at: Mapped[datetime | None] = mapped_column(DateTime)
