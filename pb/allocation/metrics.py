"""Fairness and spending figures for an outcome (plain numbers, JSON-ready)."""
from __future__ import annotations

from .model import Instance, Profile
from .outcome import json_money


def outcome_metrics(instance: Instance, profile: Profile, selected) -> dict:
    """Money spent and left, reach and per-ward spread of an outcome.

    * ``voters_with_funded_project``: share of all voters (empty ballots included)
      who support at least one funded project (approval view);
    * ``avg_share_of_approved_spending_funded``: over voters who support at least
      one project that costs something, the average of (cost of their supported
      projects that were funded) / (cost of all projects they support).
    """
    chosen = set(selected)
    cost = {p.id: p.cost for p in instance.projects}
    cost_f = {pid: float(c) for pid, c in cost.items()}  # shares are shown rounded: floats suffice
    spent = sum(cost[p] for p in chosen)
    voters = reached = counted = 0
    share_sum = 0.0
    for b in profile.ballots:
        approved = b.approved()
        voters += b.count
        wanted = funded = 0.0
        for p in approved:
            wanted += cost_f[p]
            if p in chosen:
                funded += cost_f[p]
        if funded or any(p in chosen for p in approved):
            reached += b.count
        if wanted > 0:
            counted += b.count
            share_sum += funded / wanted * b.count
    per_ward: dict = {}
    per_category: dict = {}
    for p in instance.projects:
        if p.id in chosen:
            w = per_ward.setdefault(p.ward or "(no ward)", {"projects": 0, "money": 0})
            w["projects"] += 1
            w["money"] += p.cost
            for c in p.categories:
                k = per_category.setdefault(c, {"projects": 0, "money": 0})
                k["projects"] += 1
                k["money"] += p.cost
    for table in (per_ward, per_category):
        for v in table.values():
            v["money"] = json_money(v["money"])
    return {
        "spent": json_money(spent),
        "left": json_money(instance.budget - spent),
        "projects_funded": len(chosen),
        "voters": voters,
        "voters_with_funded_project": round(reached / voters, 4) if voters else 0.0,
        "avg_share_of_approved_spending_funded": round(share_sum / counted, 4) if counted else 0.0,
        "per_ward": dict(sorted(per_ward.items())),
        "per_category": dict(sorted(per_category.items())),
    }
