"""Purging personal details after their retention period (``flask --app pb purge``).

- Decision-day check-ins keep the desk's keyed hashes of who came (first name, postcode,
  age band; eligibility facts) only to warn of a second check-in while voting is open;
  after ``RETENTION_DAYS_CHECK_IN`` days they are blanked, leaving counts by event, ward
  and channel as they were.
- Equality answers (age, sex, ethnicity, disability) are deleted after
  ``RETENTION_DAYS_EQUALITY`` days; the figures already published are not recalculated.

Each run is one transaction with one audit entry saying how many of each went.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta

from flask import current_app
from sqlalchemy import delete, update

from pb import audit
from pb.extensions import db
from pb.models.equality import EqualityResponse
from pb.models.event import CheckIn

PURGED = "purged"


@dataclass(frozen=True)
class Purged:
    check_ins: int
    equality_answers: int
    check_in_cutoff: datetime
    equality_cutoff: date


def purge(now: datetime, actor=None) -> Purged:
    config = current_app.config
    check_in_cutoff = now - timedelta(days=int(config["RETENTION_DAYS_CHECK_IN"]))
    equality_cutoff = (now - timedelta(days=int(config["RETENTION_DAYS_EQUALITY"]))).date()
    check_ins = db.session.execute(
        update(CheckIn).where(CheckIn.checked_in_at < check_in_cutoff,
                              CheckIn.details_hash != PURGED)
        .values(details_hash=PURGED, facts_hash=None)).rowcount or 0
    answers = db.session.execute(
        delete(EqualityResponse).where(EqualityResponse.recorded_on < equality_cutoff)
    ).rowcount or 0
    result = Purged(check_ins, answers, check_in_cutoff, equality_cutoff)
    audit.record("privacy.purged", object_type="Retention", actor=actor,
                 after={"check_ins": check_ins, "equality_answers": answers,
                        "check_ins_before": check_in_cutoff.isoformat(timespec="seconds"),
                        "equality_before": equality_cutoff.isoformat()})
    db.session.commit()
    return result
