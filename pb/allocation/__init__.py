"""pb.allocation: turn ballots into funded projects (pure Python, standard library only).

Plain data in, plain data out; no Flask, no database.  The whole public API::

    from pb.allocation import Instance, Project, Profile, Ballot, allocate, read_pb

    instance = Instance((Project("walk", 450_000, "Tytherington walking group"), ...),
                        budget=10_000_000, currency="GBP", minor_units=100)   # pence
    profile = Profile.from_ballots("approval", [["walk", "cafe"], ["cafe"], ...])
    outcome = allocate(instance, profile, "mes-cost-add1", tie_break="id")
    outcome.selected            # ids in selection order
    outcome.spent               # exact money, same unit as the costs
    outcome.projects["walk"].explanation   # "Funded in round 3 of Equal Shares: ..."
    outcome.metrics             # reach, per-ward money, ...
    outcome.to_json()           # the CLI's --json document

Rules are looked up by name in :data:`RULES`; :data:`RULE_DESCRIPTIONS` has a
paragraph for each, and :func:`rules_for_vote_type` says which suit a ballot
kind.  Arithmetic is exact (ints and Fractions) and the tie-break is always an
explicit argument (see :mod:`pb.allocation.tiebreak`).
"""
from __future__ import annotations

from dataclasses import replace
from fractions import Fraction
from functools import partial

from .compare import COMPARISON_RULES, Comparison, compare
from .constraints import Cap, Constraints, Reserve, render_note, run_constrained
from .explain import explain, money_formatter, plain_reason, plain_scope
from .facts import ConstraintFact, Fact, GreedyFact, MaxUtilityFact, MesFact, PhragmenFact
from .metrics import outcome_metrics
from .model import BALLOT_KINDS, Ballot, Instance, Money, Profile, Project, normalise_ballot
from .outcome import Outcome, ProjectResult, json_money
from .pabulib import PabulibError, iter_pb, parse_pb, read_pb, write_pb
from .rules.base import Election
from .rules.completion import equal_shares_add1
from .rules.equal_shares import equal_shares
from .rules.greedy import greedy_approval, greedy_cost, greedy_points
from .rules.max_utility import TooLarge, max_utility
from .rules.phragmen import phragmen
from .tiebreak import TIE_BREAKS, describe_tie_break, tie_break_ranks

__all__ = [
    "BALLOT_KINDS", "Money", "Ballot", "Cap", "Constraints", "Instance", "Outcome", "PabulibError", "Profile", "Project",
    "ProjectResult", "Reserve", "RULES", "RULE_DESCRIPTIONS", "RULE_NAMES", "RULE_SUMMARIES", "RULES_FOR_BALLOT", "TIE_BREAKS",
    "TooLarge", "Comparison", "COMPARISON_RULES", "comparison_summary", "support_ranks", "allocate", "compare", "json_money", "money_formatter", "parse_pb",
    "iter_pb", "normalise_ballot", "read_pb", "rules_for_vote_type", "write_pb",
    # The typed facts behind each explanation (ProjectResult.fact).
    "Fact", "ConstraintFact", "GreedyFact", "MaxUtilityFact", "MesFact", "PhragmenFact",
]

#: Rule name -> function(election) -> RuleResult.  Names are stable: they are stored with results.
RULES = {
    "greedy-approval": greedy_approval,
    "greedy-cost": greedy_cost,
    "greedy-points": greedy_points,
    "mes-cost": partial(equal_shares, utility="cost"),
    "mes-cost-add1": partial(equal_shares_add1, utility="cost", fill=True),
    "mes-cost-add1-nofill": partial(equal_shares_add1, utility="cost", fill=False),
    "mes-approval": partial(equal_shares, utility="approval"),
    "mes-approval-add1": partial(equal_shares_add1, utility="approval", fill=True),
    "mes-score": partial(equal_shares, utility="score"),
    "phragmen": phragmen,
    "max-utility": max_utility,
}

RULE_DESCRIPTIONS = {
    "greedy-approval": (
        "Most votes first. Projects are ranked by how many people voted for them and funded in "
        "that order; a project that no longer fits in the money left is skipped and the count "
        "moves on to the next. Simple to explain, but a large group of like-minded voters can "
        "take the whole budget."),
    "greedy-cost": (
        "Votes per pound. Projects are ranked by their number of votes divided by their cost, "
        "then funded in that order while they fit. Favours cheap, popular projects and funds "
        "more of them than most-votes-first."),
    "greedy-points": (
        "Most points first. For points or score ballots: projects are ranked by the total "
        "points (or score) they received and funded in that order while they fit."),
    "mes-cost": (
        "Method of Equal Shares. Every voter gets an equal share of the budget to spend on the "
        "projects they voted for. Round by round, the project its supporters can buy most "
        "cheaply (relative to its cost) is funded, its supporters sharing the bill as equally "
        "as their remaining money allows. Groups of voters get projects in proportion to their "
        "size. On its own it often leaves money unspent."),
    "mes-cost-add1": (
        "Equal Shares as run by cities such as Świecie and Wieliczka: if money is left, every "
        "voter's share is raised a little (a pound at a time) and the count is run again, "
        "as long as the result stays within the real budget; any money still left then funds "
        "the most-voted projects that fit. Proportional and spends nearly all the budget."),
    "mes-cost-add1-nofill": (
        "Equal Shares with the raised voter shares, but without the final most-votes top-up, as "
        "some cities ran it. Keeps the outcome fully proportional at the price of some unspent "
        "money."),
    "mes-approval": (
        "Equal Shares where every supporter counts a project as one unit of benefit whatever its "
        "cost, so cheaper projects go first. Funds more, smaller projects than the cost version."),
    "mes-approval-add1": (
        "Equal Shares with one-unit benefits, the raised voter shares and the most-votes top-up."),
    "mes-score": (
        "Equal Shares for points or score ballots: voters pay for projects in proportion to the "
        "points they gave them, so a voter who gave a project more points pays a bigger share."),
    "phragmen": (
        "Phragmén's method. Voters share the cost of funded projects; each round funds the "
        "project that keeps the largest amount any supporter has to carry as low as possible. "
        "Proportional like Equal Shares, and stops at the first project that does not fit."),
    "max-utility": (
        "Most total support. Funds the combination of projects, within the budget, that the "
        "largest total number of votes went to (every voter counted once per funded project "
        "they backed). Gets the most support per budget but ignores who the supporters are, so "
        "majorities can win everything."),
}

#: A short plain-English name per rule, for people (the id is shown only in technical detail).
RULE_NAMES = {
    "greedy-approval": "Most votes first",
    "greedy-cost": "Most votes per pound first",
    "greedy-points": "Most points first",
    "mes-cost": "Equal Shares (without completion)",
    "mes-cost-add1": "Equal Shares, spending the whole budget",
    "mes-cost-add1-nofill": "Equal Shares, raised shares without the top-up",
    "mes-approval": "Equal Shares counting projects, not pounds",
    "mes-approval-add1": "Equal Shares counting projects, spending the whole budget",
    "mes-score": "Equal Shares for points and scores",
    "phragmen": "Phragmén's shared-load method",
    "max-utility": "Most total support",
}

#: One line per rule in plain English, for menus, pages and ``--help`` (no rule codes).
RULE_SUMMARIES = {
    "greedy-approval": "the projects with the most votes are funded first, skipping any that no longer fit",
    "greedy-cost": "the projects with the most votes for each pound are funded first, skipping any that no longer fit",
    "greedy-points": "the projects with the most points (or highest total score) are funded first",
    "mes-cost": "each voter gets an equal share of the money to spend on what they voted for; often leaves money unspent",
    "mes-cost-add1": ("each voter gets an equal share of the money to spend on what they voted for; the shares "
                      "are raised until the budget is used, and what is left funds the most-voted projects that fit"),
    "mes-cost-add1-nofill": ("equal shares raised until the budget is used, without funding extra most-voted "
                             "projects from what is left"),
    "mes-approval": "equal shares where every funded project counts the same to its voters, whatever it costs",
    "mes-approval-add1": ("equal shares where every funded project counts the same, raised until the budget "
                          "is used, then the most-voted projects that fit"),
    "mes-score": "equal shares where voters pay in proportion to the points they gave",
    "phragmen": ("voters share the cost of what is funded, keeping the heaviest share as light as possible; "
                 "stops at the first project that does not fit"),
    "max-utility": "the combination of projects within the budget with the most votes in all",
}

_APPROVAL_RULES = ("greedy-approval", "greedy-cost", "mes-cost", "mes-cost-add1", "mes-cost-add1-nofill",
                   "mes-approval", "mes-approval-add1", "phragmen", "max-utility")
#: Which rules suit which ballot kind (ordinal ballots are read as approval of every ranked project).
RULES_FOR_BALLOT = {
    "approval": _APPROVAL_RULES,
    "cumulative": _APPROVAL_RULES + ("greedy-points", "mes-score"),
    "scores": _APPROVAL_RULES + ("greedy-points", "mes-score"),
    "ordinal": _APPROVAL_RULES,
}

_LABELS = {"mes-cost": "Equal Shares", "mes-cost-add1": "Equal Shares", "mes-cost-add1-nofill": "Equal Shares",
           "mes-approval": "Equal Shares", "mes-approval-add1": "Equal Shares", "mes-score": "Equal Shares"}


def rules_for_vote_type(vote_type: str) -> tuple[str, ...]:
    """Rule names suited to a ballot kind ("approval", "cumulative", "scores", "ordinal";
    pabulib's "choose-1" and "scoring" are accepted too)."""
    vote_type = {"choose-1": "approval", "scoring": "scores"}.get(vote_type, vote_type)
    if vote_type not in RULES_FOR_BALLOT:
        raise ValueError(f"unknown ballot kind {vote_type!r}")
    return RULES_FOR_BALLOT[vote_type]


def comparison_summary(instance: Instance, profile: Profile, rules=COMPARISON_RULES, tie_break: str = "id",
                       constraints: Constraints | None = None) -> dict:
    """The same ballots under each rule: {rule: {"selected", "spent", "metrics"}} (JSON-ready)."""
    return compare(instance, profile, rules, tie_break, constraints).summary()


def allocate(instance: Instance, profile: Profile, rule: str, tie_break: str = "id",
             constraints: Constraints | None = None, money=None) -> Outcome:
    """Run ``rule`` on the ballots and explain the result.

    ``tie_break``: "id", "cost", "votes" or "lottery:SEED".  ``constraints``: a
    :class:`Constraints`.  ``money``: a function formatting an amount for the
    explanations (default: :func:`money_formatter` of the instance).
    Raises ``ValueError`` for an unknown rule or one unsuited to the ballots.
    """
    if rule not in RULES:
        raise ValueError(f"unknown rule {rule!r}; choose from {', '.join(RULES)}")
    if rule not in RULES_FOR_BALLOT[profile.kind]:
        raise ValueError(f"rule {rule} does not apply to {profile.kind} ballots")
    fmt = money or money_formatter(instance)
    votes = profile.approval_counts()
    ranks = tie_break_ranks(tie_break, instance, votes)
    fn = RULES[rule]
    if constraints is None or constraints == Constraints():
        result = fn(Election(instance, profile, ranks))
        facts, selected, notes = result.facts, result.selected, [render_note(n, fmt) for n in result.notes]
        labels, passes = {}, ()
    else:
        selected, facts, notes, labels, passes = run_constrained(instance, profile, ranks, fn, constraints, fmt)
    outcome = _build_outcome(instance, profile, rule, tie_break, selected, facts, notes, labels, fmt, votes)
    return _with_reasons(outcome, instance, facts, labels, passes, ranks, fmt)


#: Rules that rank projects by something other than votes: points, or votes per pound.
_RANKED_BY = {"greedy-points": "points", "mes-score": "points", "greedy-cost": "value"}


def support_ranks(instance: Instance, votes: dict, ranks: dict, points: dict | None = None,
                  by: str = "votes") -> dict[str, int]:
    """Each project's place (1 = most supported) by ``by``: "votes", "points" (total points
    or score) or "value" (votes per pound, free projects first); exact ties go by the
    tie-break ranks."""
    def score(pid):
        if by == "points" and points is not None:
            return Fraction(points.get(pid, 0))
        if by == "value":
            cost = instance.project(pid).cost
            return Fraction(votes.get(pid, 0)) / cost if cost else Fraction(10**18 + votes.get(pid, 0))
        return Fraction(votes.get(pid, 0))
    order = sorted(instance.ids, key=lambda pid: (-score(pid), ranks[pid]))
    return {pid: i for i, pid in enumerate(order, 1)}


def _with_reasons(outcome: Outcome, instance, facts, labels, passes, ranks, fmt) -> Outcome:
    """Add each project's plain reason, its support rank and the passes to the outcome."""
    votes = {pid: r.votes for pid, r in outcome.projects.items()}
    points = {pid: r.points for pid, r in outcome.projects.items() if r.points is not None}
    place = support_ranks(instance, votes, ranks, points or None, _RANKED_BY.get(outcome.rule, "votes"))
    by_label = {run.label: run for run in passes if run.kind != "all"}
    scope = {pid: plain_scope(by_label[lab].kind, by_label[lab].name, by_label[lab].budget, fmt)
             for pid, lab in labels.items() if lab in by_label}
    pot = {pid: by_label[lab].budget for pid, lab in labels.items() if lab in by_label}
    results = {}
    for pid, r in outcome.projects.items():
        text = plain_reason(pid, facts.get(pid), funded=r.selected, cost=r.cost, votes=r.votes,
                            rank=place[pid], fmt=fmt, points=r.points, budget=pot.get(pid, instance.budget))
        if scope.get(pid) and not isinstance(facts.get(pid), ConstraintFact):
            text += " " + scope[pid]
        results[pid] = replace(r, reason=text, rank=place[pid])
    return replace(outcome, projects=results, passes=tuple(passes))


def _build_outcome(instance, profile, rule, tie_break, selected, facts, notes, labels, fmt, votes) -> Outcome:
    points = profile.point_totals()
    chosen = set(selected)
    label = _LABELS.get(rule, rule)
    results = {}
    for p in instance.projects:
        fact = facts.get(p.id)
        if fact is None:
            text = "Not funded: it was not part of any count." if p.id not in chosen else "Funded."
        else:
            text = explain(p.id, fact, cost=p.cost, votes=votes.get(p.id, 0), fmt=fmt, rule_label=label,
                           points=None if points is None else points.get(p.id, 0), budget=instance.budget)
        if labels.get(p.id):
            text = f"In the {labels[p.id]}: {text[0].lower()}{text[1:]}"
        results[p.id] = ProjectResult(p.id, p.name, p.cost, votes.get(p.id, 0), p.id in chosen, text,
                                      None if points is None else points.get(p.id, 0), p.ward, p.categories,
                                      fact)
    spent = sum(instance.project(pid).cost for pid in selected)
    notes = list(notes) + [f"Ties: {describe_tie_break(tie_break)}."]
    metrics = outcome_metrics(instance, profile, selected)
    return Outcome(rule, tie_break, instance.budget, spent, tuple(selected), results, metrics, tuple(notes))
