"""The append-only, hash-chained audit log."""

from __future__ import annotations

import hashlib
import json
from datetime import datetime

from sqlalchemy import DDL, DateTime, ForeignKey, Integer, String, Text, event
from sqlalchemy.orm import Mapped, mapped_column, relationship

from pb.extensions import db
from pb.models.base import utcnow

GENESIS_HASH = "0" * 64

# The database itself refuses to change or remove an entry; the migration installs
# the same triggers.
SQLITE_TRIGGERS = (
    "CREATE TRIGGER audit_entries_no_update BEFORE UPDATE ON audit_entries "
    "BEGIN SELECT RAISE(ABORT, 'the audit log is append-only'); END",
    "CREATE TRIGGER audit_entries_no_delete BEFORE DELETE ON audit_entries "
    "BEGIN SELECT RAISE(ABORT, 'the audit log is append-only'); END",
)
POSTGRES_TRIGGERS = (
    "CREATE OR REPLACE FUNCTION audit_entries_append_only() RETURNS trigger AS $$ "
    "BEGIN RAISE EXCEPTION 'the audit log is append-only'; END; $$ LANGUAGE plpgsql",
    "CREATE TRIGGER audit_entries_append_only BEFORE UPDATE OR DELETE ON audit_entries "
    "FOR EACH ROW EXECUTE FUNCTION audit_entries_append_only()",
)


class AuditEntry(db.Model):
    __tablename__ = "audit_entries"

    # Assigned by pb.audit under a lock so that the chain has no gaps or forks.
    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow, index=True)
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"), index=True)
    actor_label: Mapped[str] = mapped_column(String(254))
    action: Mapped[str] = mapped_column(String(80), index=True)
    object_type: Mapped[str] = mapped_column(String(40))
    object_id: Mapped[str | None] = mapped_column(String(40))
    before_json: Mapped[str | None] = mapped_column(Text)
    after_json: Mapped[str | None] = mapped_column(Text)
    ip_address: Mapped[str | None] = mapped_column(String(45))
    prev_hash: Mapped[str] = mapped_column(String(64))
    entry_hash: Mapped[str] = mapped_column(String(64), unique=True)

    actor = relationship("User")

    def canonical(self) -> str:
        return json.dumps(
            {
                "id": self.id,
                "created_at": self.created_at.isoformat(timespec="microseconds"),
                "actor_id": self.actor_id,
                "actor_label": self.actor_label,
                "action": self.action,
                "object_type": self.object_type,
                "object_id": self.object_id,
                "before": self.before_json,
                "after": self.after_json,
                "ip_address": self.ip_address,
            },
            sort_keys=True,
            separators=(",", ":"),
        )

    def compute_hash(self) -> str:
        return hashlib.sha256((self.prev_hash + self.canonical()).encode()).hexdigest()

    @property
    def before(self) -> dict | None:
        return json.loads(self.before_json) if self.before_json else None

    @property
    def after(self) -> dict | None:
        return json.loads(self.after_json) if self.after_json else None


for _statement in SQLITE_TRIGGERS:
    event.listen(AuditEntry.__table__, "after_create",
                 DDL(_statement).execute_if(dialect="sqlite"))
for _statement in POSTGRES_TRIGGERS:
    event.listen(AuditEntry.__table__, "after_create",
                 DDL(_statement).execute_if(dialect="postgresql"))
