"""Background jobs: long work (rule explorer runs, city tallies, exports) with progress.

The row is the job's public state, whichever worker runs it (an RQ worker on Redis, or
a thread inside the app server): every app server and every worker reads progress from
here, so a progress page served by one process sees a job run by another.
"""

from __future__ import annotations

import json
import secrets
from datetime import datetime

from sqlalchemy import DateTime, ForeignKey, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from pb.extensions import db
from pb.models.base import utcnow

JOB_QUEUED = "queued"
JOB_RUNNING = "running"
JOB_DONE = "done"
JOB_FAILED = "failed"


def new_job_id() -> str:
    # Unguessable: the id appears in the progress page's URL.
    return secrets.token_hex(16)


class Job(db.Model):
    __tablename__ = "jobs"

    id: Mapped[str] = mapped_column(String(32), primary_key=True, default=new_job_id)
    kind: Mapped[str] = mapped_column(String(60))
    title: Mapped[str] = mapped_column(String(160))
    params_json: Mapped[str] = mapped_column(Text, default="{}")
    status: Mapped[str] = mapped_column(String(12), default=JOB_QUEUED, index=True)
    progress_done: Mapped[int] = mapped_column(Integer, default=0)
    progress_total: Mapped[int | None] = mapped_column(Integer)
    message: Mapped[str] = mapped_column(String(300), default="")
    result_json: Mapped[str | None] = mapped_column(Text)
    error: Mapped[str | None] = mapped_column(Text)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    started_at: Mapped[datetime | None] = mapped_column(DateTime)
    heartbeat_at: Mapped[datetime | None] = mapped_column(DateTime)
    finished_at: Mapped[datetime | None] = mapped_column(DateTime)

    @property
    def params(self) -> dict:
        return json.loads(self.params_json or "{}")

    @property
    def result(self) -> dict | None:
        return json.loads(self.result_json) if self.result_json else None

    @property
    def finished(self) -> bool:
        return self.status in (JOB_DONE, JOB_FAILED)

    def worker_lost(self, now: datetime, limit_seconds: float) -> bool:
        """Running, but silent for longer than any job may run: its worker has died."""
        last = self.heartbeat_at or self.started_at
        return (self.status == JOB_RUNNING and last is not None
                and (now - last).total_seconds() > limit_seconds + 60)

    @property
    def percent(self) -> int | None:
        if not self.progress_total:
            return None
        return min(100, 100 * self.progress_done // self.progress_total)
