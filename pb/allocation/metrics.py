"""Fairness and spending figures for an outcome (plain numbers, JSON-ready)."""
from __future__ import annotations

from fractions import Fraction

from .model import Instance, Profile
from .outcome import json_money


def share(part, whole, places: int = 4) -> float:
    """``part / whole`` computed exactly, rounded to ``places`` decimals for display (0 if empty)."""
    return round(float(Fraction(part) / whole), places) if whole else 0.0


def outcome_metrics(instance: Instance, profile: Profile, selected) -> dict:
    """Money spent and left, reach and per-ward spread of an outcome.

    * ``voters_with_funded_project``: share of all voters (empty ballots included)
      who support at least one funded project (approval view);
    * ``avg_share_of_approved_spending_funded``: over voters who support at least
      one project that costs something, the average of (cost of their supported
      projects that were funded) / (cost of all projects they support);
    * ``share_of_budget_spent``: spent / budget;
    * ``ward_proportionality``: per ward, see :func:`ward_proportionality`.
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
        "voters_with_nothing_funded": share(voters - reached, voters),
        "share_of_budget_spent": share(spent, instance.budget),
        "avg_share_of_approved_spending_funded": round(share_sum / counted, 4) if counted else 0.0,
        "per_ward": dict(sorted(per_ward.items())),
        "per_category": dict(sorted(per_category.items())),
        "ward_proportionality": ward_proportionality(instance, profile, chosen),
    }


def ward_proportionality(instance: Instance, profile: Profile, chosen) -> dict:
    """How fairly money followed each ward's voters (exact arithmetic, rounded for display).

    A ward's voters are those who voted for at least one of its projects.  For each ward:
    ``voters``; ``voters_with_funded_project`` (share of its voters with at least one funded
    project they voted for, anywhere); ``voter_share`` (its voters / all wards' voters,
    counting a voter once per ward they voted in); ``money_share`` (money funded on its
    projects / money funded on all ward projects); ``proportionality`` = money_share /
    voter_share: 1 means the ward's projects got money in proportion to its voters, below 1
    less, above 1 more.  Projects without a ward (area-wide) are not in any ward.
    """
    ward_of = {p.id: p.ward for p in instance.projects if p.ward}
    if not ward_of:
        return {}
    chosen = set(chosen)
    voters: dict = dict.fromkeys(sorted(set(ward_of.values())), 0)
    reached = dict.fromkeys(voters, 0)
    for b in profile.ballots:
        approved = b.approved()
        wards = {ward_of[p] for p in approved if p in ward_of}
        hit = any(p in chosen for p in approved)
        for w in wards:
            voters[w] += b.count
            reached[w] += b.count if hit else 0
    money = dict.fromkeys(voters, 0)
    for pid in chosen:
        if pid in ward_of:
            money[ward_of[pid]] += instance.project(pid).cost
    all_voters, all_money = sum(voters.values()), sum(money.values())
    table = {}
    for w in voters:
        voter_share = Fraction(voters[w], all_voters) if all_voters else Fraction(0)
        money_share = Fraction(money[w]) / all_money if all_money else Fraction(0)
        table[w] = {"voters": voters[w], "voters_with_funded_project": share(reached[w], voters[w]),
                    "money": json_money(money[w]), "voter_share": share(voter_share, 1),
                    "money_share": share(money_share, 1),
                    "proportionality": share(money_share, voter_share, 2) if voter_share else None}
    return table
