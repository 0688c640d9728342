"""Property-based tests (hypothesis, derandomized) on random small elections."""
from __future__ import annotations

import itertools
import random

from hypothesis import given, settings
from hypothesis import strategies as st

from pb.allocation import RULES, Profile, allocate, parse_pb, rules_for_vote_type, write_pb

from .helpers import random_election

VOTE_TYPES = ["approval", "choose-1", "cumulative", "scoring", "ordinal"]
SETTINGS = settings(derandomize=True, max_examples=80, deadline=None, database=None)
elections = st.builds(lambda seed, vt: (vt, random_election(random.Random(seed), vt, 6, 12)),
                      st.integers(0, 2**32), st.sampled_from(VOTE_TYPES))


def _rules(vote_type):
    return rules_for_vote_type(vote_type)


@SETTINGS
@given(elections)
def test_every_rule_stays_within_budget_and_is_deterministic(case):
    vote_type, (instance, profile) = case
    for rule in _rules(vote_type):
        first = allocate(instance, profile, rule)
        assert first.spent == sum(instance.project(p).cost for p in first.selected) <= instance.budget
        assert len(set(first.selected)) == len(first.selected)
        assert allocate(instance, profile, rule).to_json() == first.to_json()
        assert set(first.projects) == set(instance.ids)
        assert all(r.explanation for r in first.projects.values())


@SETTINGS
@given(elections, st.randoms(use_true_random=False))
def test_voter_order_does_not_matter(case, rnd):
    vote_type, (instance, profile) = case
    shuffled = list(profile.ballots)
    rnd.shuffle(shuffled)
    other = Profile(profile.kind, tuple(shuffled))  # same ballots, different voter order
    for rule in _rules(vote_type):
        assert allocate(instance, other, rule).selected == allocate(instance, profile, rule).selected


@SETTINGS
@given(elections)
def test_greedy_rules_are_exhaustive(case):
    vote_type, (instance, profile) = case
    for rule in ("greedy-approval", "greedy-cost", "greedy-points", "mes-cost-add1", "mes-approval-add1"):
        if rule not in _rules(vote_type):
            continue
        outcome = allocate(instance, profile, rule)
        for p in instance.projects:
            if p.id not in outcome.selected:
                assert p.cost > outcome.left, (rule, p.id)


def _welfare(outcome):
    return sum(outcome.projects[p].votes for p in outcome.selected)


@SETTINGS
@given(elections)
def test_max_utility_beats_every_rule_and_brute_force_agrees(case):
    vote_type, (instance, profile) = case
    best = allocate(instance, profile, "max-utility")
    for rule in _rules(vote_type):
        assert _welfare(allocate(instance, profile, rule)) <= _welfare(best)
    votes = profile.approval_counts()
    optimum = max(sum(votes.get(p.id, 0) for p in subset)
                  for k in range(len(instance.projects) + 1)
                  for subset in itertools.combinations(instance.projects, k)
                  if sum(p.cost for p in subset) <= instance.budget)
    assert _welfare(best) == optimum


def _ejr_up_to_one_violation(instance, profile, selected, utility):
    """A cohesive group none of whose members is satisfied up to one project, or None."""
    chosen = set(selected)
    n = profile.num_voters
    cost = {p.id: p.cost for p in instance.projects}
    u = (lambda ps: sum(cost[p] for p in ps)) if utility == "cost" else (lambda ps: len(ps))
    ballots = [(set(b.approved()), b.count) for b in profile.ballots]
    ids = instance.ids
    for k in range(1, len(ids) + 1):
        for T in itertools.combinations(ids, k):
            need = sum(cost[p] for p in T) * n  # |S| * B >= cost(T) * n
            unhappy = 0
            for approved, count in ballots:
                if not set(T) <= approved:
                    continue
                mine_w = approved & chosen
                ok = u(mine_w) >= u(T) or any(u(mine_w | {a}) > u(T) for a in set(T) - chosen)
                if not ok:
                    unhappy += count
            if unhappy and unhappy * instance.budget >= need:
                return T
    return None


@SETTINGS
@given(st.integers(0, 2**32), st.sampled_from(["approval", "ordinal", "cumulative"]))
def test_equal_shares_satisfies_ejr_up_to_one_project(seed, vote_type):
    instance, profile = random_election(random.Random(seed), vote_type, 5, 10)
    for rule, utility in (("mes-cost", "cost"), ("mes-approval", "approval")):
        outcome = allocate(instance, profile, rule)
        assert _ejr_up_to_one_violation(instance, profile, outcome.selected, utility) is None, rule


@SETTINGS
@given(elections)
def test_pabulib_write_then_read_gives_the_same_election(case):
    _, (instance, profile) = case
    assert parse_pb(write_pb(instance, profile)) == (instance, profile)


@SETTINGS
@given(elections, st.sampled_from(["id", "cost", "votes", "lottery:2026-ward-forum"]))
def test_every_tie_break_gives_a_valid_outcome(case, tie_break):
    vote_type, (instance, profile) = case
    for rule in _rules(vote_type):
        outcome = allocate(instance, profile, rule, tie_break=tie_break)
        assert outcome.spent <= instance.budget
        assert outcome.tie_break == tie_break


def test_registry_names_are_the_documented_ones():
    assert set(RULES) == {"greedy-approval", "greedy-cost", "greedy-points", "mes-cost", "mes-cost-add1",
                          "mes-cost-add1-nofill", "mes-approval", "mes-approval-add1", "mes-score",
                          "phragmen", "max-utility"}


def _plus_one_loop(el, util):
    """The add-one completion as pabutools runs it: one plain Equal Shares count per whole raise."""
    from fractions import Fraction

    from pb.allocation.rules.equal_shares import mes_uniform

    base, k, last = Fraction(el.budget, el.n), 0, None
    supported = [p for p in el.ids if el.votes[p] > 0 and el.cost[p] > 0]
    while True:
        selected = set(mes_uniform(el, util, base + k)[0])
        spent = sum(el.cost[p] for p in selected)
        if spent > el.budget:
            return last
        if all(el.cost[p] + spent > el.budget for p in supported if p not in selected):
            return k, selected
        last, k = (k, selected), k + 1


# Larger elections with cheap projects: many raises, near-ties and voters who run out.
add1_elections = st.builds(
    lambda seed, vt: (vt, random_election(random.Random(seed), vt, 9, 40)),
    st.integers(0, 2**32), st.sampled_from(["approval", "cumulative", "ordinal"]))


@settings(derandomize=True, max_examples=150, deadline=None, database=None)
@given(add1_elections, st.sampled_from(["cost", "approval"]), st.sampled_from(["id", "cost", "lottery:7"]))
def test_add1_search_equals_the_plain_plus_one_loop(case, utility, tie_break):
    """The search that skips raises it proves change nothing stops at the same raise with the same set."""
    from pb.allocation.rules.base import Election
    from pb.allocation.rules.completion import equal_shares_add1
    from pb.allocation.rules.equal_shares import utilities
    from pb.allocation.tiebreak import tie_break_ranks

    _, (instance, profile) = case
    el = Election(instance, profile, tie_break_ranks(tie_break, instance, profile.approval_counts()))
    if el.n == 0:
        return
    result = equal_shares_add1(el, utility, fill=False)
    expected = _plus_one_loop(el, utilities(el, utility))
    raises = {f.add for f in result.facts.values() if getattr(f, "add", None) is not None}
    assert expected is not None  # the share at k = 0 never overspends
    assert set(result.selected) == expected[1]
    assert raises == {expected[0]}
