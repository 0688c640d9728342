"""A proposal's history: every version (what changed, who, when, why) and every status
change (with the reason the proposer and the public see).

The use cases in ``services`` and ``review`` write it through ``add_version`` and
``add_status``; the detail page reads it through ``history``.
"""

from __future__ import annotations

import json

from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from pb.extensions import db
from pb.models.base import utcnow
from pb.models.proposal import Proposal, ProposalStatusChange, ProposalVersion
from pb.money import format_pence

# Statuses whose reason is kept on the proposal itself, for the detail page's banner.
REASON_SHOWN = ("ineligible", "needs_changes")
# The reasons pb itself stores on a first version, in the reader's language; the first
# version's own reason is not repeated after "First version".
FIRST_VERSION = "First version"
STORED_REASONS = {FIRST_VERSION: None, "Handed in on paper": _l("Handed in on paper")}


def snapshot(proposal: Proposal) -> dict:
    """What a person sees of a proposal, field by field, in words (for versions)."""
    return {
        "title": proposal.title,
        "summary": proposal.summary,
        "description": proposal.description,
        "cost_pence": proposal.cost_pence,
        "area": "Whole area" if proposal.is_area_wide else ", ".join(
            w.name for w in proposal.wards),
        "themes": ", ".join(t.name for t in proposal.themes),
        "outcomes": ", ".join(proposal.outcome_labels),
        "delivered_by": proposal.delivered_by,
        "organisation": proposal.organisation.name if proposal.organisation else "",
        "budget_lines": [f"{line.description}: {format_pence(line.amount_pence)}"
                         for line in proposal.budget_lines],
        "image": proposal.image.original_name if proposal.image else "",
        "documents": [d.original_name for d in proposal.supporting_documents],
    }


def diff(before: dict, after: dict) -> dict:
    """{field: [old, new]} for the fields that changed between two snapshots."""
    return {key: [before.get(key), value] for key, value in after.items()
            if before.get(key) != value}


def add_version(proposal: Proposal, user, changed_as: str, reason: str,
                changes: dict) -> ProposalVersion:
    number = (max((v.number for v in proposal.versions), default=0)) + 1
    version = ProposalVersion(number=number, changed_at=utcnow(),
                              changed_by_id=getattr(user, "id", None), changed_as=changed_as,
                              reason=reason, changes_json=json.dumps(changes, sort_keys=True))
    proposal.versions.append(version)
    return version


def add_status(proposal: Proposal, to_status: str, user, changed_as: str,
               reason: str = "") -> ProposalStatusChange:
    change = ProposalStatusChange(from_status=proposal.status, to_status=to_status,
                                  changed_at=utcnow(), changed_by_id=getattr(user, "id", None),
                                  changed_as=changed_as, reason=reason)
    proposal.status_changes.append(change)
    proposal.status = to_status
    proposal.status_reason = reason if to_status in REASON_SHOWN else ""
    return change


def merged_into_this(proposal: Proposal) -> list[Proposal]:
    return list(db.session.scalars(select(Proposal).where(
        Proposal.merged_into_id == proposal.id).order_by(Proposal.id)))


def history(proposal: Proposal) -> list[dict]:
    """Status changes and edits, oldest first, including proposals merged into this one."""
    entries = []
    sources = [(proposal, None)] + [(p, p.title) for p in merged_into_this(proposal)]
    for item, merged_title in sources:
        for change in item.status_changes:
            entries.append({"kind": "status", "at": change.changed_at, "item": change,
                            "from_merged": merged_title})
        for version in item.versions:
            entries.append({"kind": "version", "at": version.changed_at, "item": version,
                            "from_merged": merged_title,
                            "reason_text": STORED_REASONS.get(version.reason, version.reason)})
    entries.sort(key=_in_order)
    return entries


def _in_order(entry: dict) -> tuple:
    """Oldest first; at the same moment, creation, then the first version, then the rest."""
    item = entry["item"]
    if entry["kind"] == "status":
        step = 0 if item.from_status is None else 2
    else:
        step = 1
    return entry["at"], step


def cost_history(proposal: Proposal) -> list[ProposalVersion]:
    """The versions that set or changed the requested cost, oldest first."""
    return [v for v in proposal.versions if v.cost_change is not None]
