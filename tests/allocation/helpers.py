"""Helpers shared by the allocation tests (no Flask, no database)."""
from __future__ import annotations

import os
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
#: Real pabulib elections with reference outcomes; outside the repository on purpose
#: (PB_SHARED_PABULIB overrides the place, e.g. to check the skip on a fresh clone).
SHARED = Path(os.environ.get("PB_SHARED_PABULIB", REPO.parent / "shared" / "pabulib"))
SHARED_REASON = f"the shared pabulib folder {SHARED} is absent (it lives next to the repository, at ../shared/pabulib)"


def shared_instances() -> list[Path]:
    return sorted(SHARED.glob("*.pb")) if SHARED.is_dir() else []


def pabutools_selected(text: str, rule: str) -> set[str]:
    """The reference outcome of ``rule`` computed by pabutools from .pb text (approval view)."""
    from pabutools.election import (
        Additive_Cardinal_Sat,
        ApprovalBallot,
        ApprovalProfile,
        Cardinality_Sat,
        Cost_Sat,
    )
    from pabutools.election.pabulib import parse_pabulib_from_string
    from pabutools.rules import (
        completion_by_rule_combination,
        greedy_utilitarian_welfare,
        method_of_equal_shares,
        sequential_phragmen,
    )

    instance, profile = parse_pabulib_from_string(text)
    kind = type(profile).__name__
    if rule in ("greedy-points", "mes-score"):
        if rule == "greedy-points":
            from pabutools.election import (
                Additive_Cardinal_Sat as Sat,  # points x 1: density = points / cost
            )

            class PointsTimesCost(Sat):
                def __init__(self, inst, prof, ballot):
                    super().__init__(inst, prof, ballot)

                def sat_project(self, project):
                    return self.ballot.get(project, 0) * project.cost

            out = greedy_utilitarian_welfare(instance, profile, sat_class=PointsTimesCost)
        else:
            out = method_of_equal_shares(instance, profile.as_multiprofile(), sat_class=Additive_Cardinal_Sat)
        return {p.name for p in out}
    # Approval view: listed projects (points > 0 for cumulative and score ballots).
    ballots = []
    for b in profile:
        if "Cumulative" in kind or "Cardinal" in kind:
            ballots.append(ApprovalBallot({p for p in b if b[p] > 0}))
        else:
            ballots.append(ApprovalBallot(set(b)))
    approval = ApprovalProfile(ballots, instance=instance)
    if rule == "greedy-approval":
        out = greedy_utilitarian_welfare(instance, approval, sat_class=Cost_Sat)
    elif rule == "greedy-cost":
        out = greedy_utilitarian_welfare(instance, approval, sat_class=Cardinality_Sat)
    elif rule in ("mes-cost", "mes-approval"):
        sat = Cost_Sat if rule == "mes-cost" else Cardinality_Sat
        out = method_of_equal_shares(instance, approval.as_multiprofile(), sat_class=sat)
    elif rule in ("mes-cost-add1", "mes-approval-add1"):
        sat = Cost_Sat if rule == "mes-cost-add1" else Cardinality_Sat
        out = completion_by_rule_combination(
            instance, approval.as_multiprofile(), [method_of_equal_shares, greedy_utilitarian_welfare],
            [{"sat_class": sat, "voter_budget_increment": 1}, {"sat_class": Cost_Sat}])
    elif rule == "mes-cost-add1-nofill":
        out = method_of_equal_shares(instance, approval.as_multiprofile(), sat_class=Cost_Sat,
                                     voter_budget_increment=1)
    elif rule == "phragmen":
        out = sequential_phragmen(instance, approval)
    else:
        raise ValueError(rule)
    return {p.name for p in out}


NAMES = ["Tytherington walking group", "Dementia café at St Michael's", "Bollin Valley litter pickers",
         "Hurdsfield youth football kit", "Weston community fridge", "Library homework club",
         "Broken Cross bus shelter", "Allotment rainwater tanks", "Men's shed tools",
         "Christ Church bell repair", "Park run marshal jackets", "Repair café"]


def random_election(rng, vote_type: str, max_projects: int = 7, max_voters: int = 25):
    """A small random election (Instance, Profile) of a pabulib vote type."""
    from pb.allocation import Instance, Profile, Project

    m = rng.randint(1, max_projects)
    ids = rng.sample([str(i) for i in range(1, 40)], m)  # string ids: "10" sorts before "9"
    projects = tuple(Project(pid, rng.choice([0] + [rng.randint(1, 60)] * 6), NAMES[k % len(NAMES)])
                     for k, pid in enumerate(ids))
    budget = rng.randint(10, 200)
    kind = {"choose-1": "approval", "scoring": "scores"}.get(vote_type, vote_type)
    ballots = []
    for _ in range(rng.randint(1, max_voters)):
        if vote_type == "choose-1":
            ballots.append(rng.sample(ids, rng.randint(0, 1)))
        elif vote_type in ("approval", "ordinal"):
            ballots.append(rng.sample(ids, rng.randint(0, m)))
        else:
            chosen = rng.sample(ids, rng.randint(1, m))  # pabutools cannot parse an empty points ballot
            low = 1 if vote_type == "cumulative" else 0
            ballots.append({pid: rng.randint(low, 5) for pid in chosen})
        if ballots and rng.random() < 0.3:
            ballots.append(ballots[-1])  # identical ballots are common in real elections
    meta = (("vote_type", "choose-1"),) if vote_type == "choose-1" else ()
    return Instance(projects, budget, currency="GBP", meta=meta), Profile.from_ballots(kind, ballots)
