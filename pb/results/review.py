"""What the certifying officer reads before certifying: the count against the previous
(provisional) count, the ballots held back or replaced, and where to find the comparison.

Certifying needs the officer to tick that they have read it (``pb.results.services.certify``
refuses a web certification without the tick).
"""

from __future__ import annotations

from sqlalchemy import select

from pb.events.reconciliation import describe, latest_waiver, pending
from pb.extensions import db
from pb.models import AuditEntry, Round
from pb.models.result import RoundResult
from pb.voting.services import replaced_counts


def _counts(result: RoundResult) -> list[AuditEntry]:
    """The audit entries of this result's counts, latest first."""
    return list(db.session.scalars(
        select(AuditEntry).where(AuditEntry.action == "result.tallied",
                                 AuditEntry.object_type == "RoundResult",
                                 AuditEntry.object_id == str(result.id))
        .order_by(AuditEntry.id.desc()).limit(2)))


def changes_since_previous_count(result: RoundResult, titles: dict[str, str]) -> dict | None:
    """The latest count against the one before it: ballots, projects now funded and no
    longer funded. None when there was only one count."""
    entries = _counts(result)
    if len(entries) < 2 or not entries[1].after:
        return None
    now, before = entries[0].after or {}, entries[1].after
    was, is_ = before.get("selected", []), now.get("selected", [])
    return {"ballots_before": before.get("ballots"), "ballots_now": now.get("ballots"),
            "counted_before": entries[1].created_at,
            "added": [titles.get(pid, pid) for pid in is_ if pid not in was],
            "removed": [titles.get(pid, pid) for pid in was if pid not in is_],
            "same": was == is_}


def held_and_replaced(round_: Round) -> dict:
    """Ballots that did not count: replaced by the one-person-one-ballot checks, and paper
    ballots still held back in reconciliation (with the reason recorded to count anyway)."""
    totals = pending(round_)
    waiver = latest_waiver(round_) if any(totals.values()) else None
    return {"replaced": replaced_counts(round_), "held": describe(totals) if any(totals.values())
            else "", "held_reason": waiver.reason if waiver else None}


def review(result: RoundResult, round_: Round, rows: list[dict]) -> dict:
    titles = {r["id"]: r["title"] for r in rows}
    return {"changes": changes_since_previous_count(result, titles),
            **held_and_replaced(round_)}
