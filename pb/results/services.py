"""Results: the ONLY bridge from the ORM to the allocation core.

``instance_from_round`` and ``profile_from_ballots`` turn a round and its counted
ballots into the core's plain data; ``tally`` runs the round's rule and stores the
rule, tie-break, a hash of the exact inputs (the .pb text) and the outcome JSON so
that anyone can reproduce it. A second officer certifies (which publishes); an
override (``pb.results.override``) needs a written reason and names any constraint it
breaks; a certified result is frozen.

Each form on the results page carries the version of the result the officer saw
(``result_version``) and a submission key: acting on a result that has changed since
(another officer counted again or changed it) is refused, and a form sent twice does
its work once.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable

from flask_babel import gettext as _
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from pb import audit, submissions
from pb.allocation import (
    COMPARISON_RULES,
    Cap,
    Constraints,
    Instance,
    Profile,
    Project,
    Reserve,
    allocate,
    comparison_summary,
    write_pb,
)
from pb.errors import Conflict, DomainError, NotAllowed
from pb.events.reconciliation import check_before_tally
from pb.extensions import db
from pb.grants.handover import create_draft_grants
from pb.models import Round, User
from pb.models.base import utcnow
from pb.models.result import RoundResult
from pb.models.round import RULES_FOR_DESIGN
from pb.policy import can_certify_result, can_manage_round
from pb.results import carry_over
from pb.results.presenting import result_rows, results_json  # noqa: F401  (the API uses them)
from pb.results.profile_rows import profile_from_rows
from pb.voting.designs import CORE_KIND
from pb.voting.services import ballot_proposals, is_area_wide


class ResultError(DomainError):
    """A count, change or certification that cannot be done; ``message`` says why."""


class ResultFrozen(ResultError):
    status = Conflict.status


# ORM -> core ------------------------------------------------------------------------------

def instance_from_round(round_: Round) -> Instance:
    projects = []
    for proposal in ballot_proposals(round_, with_themes=True):
        # Sorted here, not by the relationships' order_by: a collection changed earlier in
        # the same session keeps its insertion order, and the inputs must hash the same.
        wards = sorted(w.name for w in proposal.wards)
        ward = None if is_area_wide(proposal) or not wards else wards[0]
        projects.append(Project(proposal.pb_id, proposal.cost_pence, proposal.title, ward,
                                tuple(sorted(t.name for t in proposal.themes))))
    meta = [
        ("description", f"{round_.name}, run by {round_.partnership.name}"),
        ("country", "United Kingdom"),
        ("unit", round_.area.name),
        ("instance", round_.name),
        ("pb_round_id", str(round_.id)),
        ("ballot_design", round_.ballot_design),
        ("rule", round_.allocation_rule),
        ("tie_break", round_.tie_break),
    ]
    if round_.voting_open_at:
        meta.append(("date_begin", round_.voting_open_at.strftime("%d.%m.%Y")))
    if round_.voting_close_at:
        meta.append(("date_end", round_.voting_close_at.strftime("%d.%m.%Y")))
    if round_.ballot_min_choices is not None:
        meta.append(("min_length", str(round_.ballot_min_choices)))
    if round_.ballot_max_choices is not None:
        meta.append(("max_length", str(round_.ballot_max_choices)))
    if round_.ballot_design == "points" and round_.ballot_points_total:
        meta.append(("max_sum_points", str(round_.ballot_points_total)))
    if round_.ballot_design == "scores":
        meta.append(("min_points", "0"))
        meta.append(("max_points", "5"))
    return Instance(tuple(projects), round_.budget_pence, currency="GBP", minor_units=100,
                    ward_budgets=tuple((wb.ward.name, wb.budget_pence)
                                       for wb in sorted(round_.ward_budgets,
                                                        key=lambda w: w.ward.name)),
                    meta=tuple(meta))


def profile_from_ballots(round_: Round, instance: Instance | None = None,
                         progress: Callable[[int], None] | None = None) -> Profile:
    """Every counted ballot of the round, anonymised, as the core's Profile
    (``progress(n)`` is told of each ``n`` ballots read)."""
    instance = instance or instance_from_round(round_)
    return profile_from_rows(round_.id, CORE_KIND[round_.ballot_design], set(instance.ids),
                             progress=progress)


def constraints_for(round_: Round, voters: int = 0) -> Constraints:
    """The round's constraints for the core. A project nobody voted for is never funded,
    even when money is left over (the research rules would fund it; residents would not
    expect that). A minimum share of voters becomes a number of votes for ``voters``."""
    min_votes = max(1, round_.min_support_votes or 0)
    if round_.min_support_percent:
        min_votes = max(min_votes, -(-round_.min_support_percent * voters // 100))
    limits = sorted(round_.theme_limits, key=lambda t: t.theme.name)
    return Constraints(
        min_votes=min_votes, ward_budgets=round_.has_ward_budgets,
        pool_leftovers=round_.has_ward_budgets and round_.ward_leftover == "pooled",
        caps=tuple(Cap("category", t.theme.name, amount=t.cap_pence)
                   for t in limits if t.cap_pence is not None),
        reserves=tuple(Reserve("category", t.theme.name, t.reserve_pence)
                       for t in limits if t.reserve_pence))


def comparison_for(round_: Round, instance: Instance, profile: Profile) -> dict:
    """The same ballots under the round's rule, greedy-by-votes, Equal Shares with completion
    and Phragmén, with the round's tie-break and constraints:
    {rule: {"selected", "spent", "metrics"}}."""
    rules = [r for r in dict.fromkeys((round_.allocation_rule, *COMPARISON_RULES))
             if r in RULES_FOR_DESIGN[round_.ballot_design]]
    return comparison_summary(instance, profile, rules, round_.tie_break,
                              constraints_for(round_, profile.num_voters))


def ballots_pb(round_: Round) -> str:
    instance = instance_from_round(round_)
    return write_pb(instance, profile_from_ballots(round_, instance))


def _inputs_hash(pb_text: str) -> str:
    return hashlib.sha256(pb_text.encode("utf-8")).hexdigest()


# Use cases -----------------------------------------------------------------------------

def closed_rounds_for(user: User) -> list[Round]:
    """Rounds whose voting has closed, newest first (for the rule explorer's menu; the
    caller keeps those the person manages)."""
    now = utcnow()
    return list(db.session.scalars(select(Round).where(
        Round.voting_close_at.is_not(None), Round.voting_close_at <= now)
        .order_by(Round.voting_close_at.desc())))


def result_for(round_: Round) -> RoundResult | None:
    return db.session.scalar(select(RoundResult).where(RoundResult.round_id == round_.id))


def result_version(result: RoundResult | None) -> str:
    """A short fingerprint of what the officer sees: the count and any change to it."""
    if result is None:
        return "none"
    state = "|".join(str(part) for part in (
        result.tallied_at.isoformat() if result.tallied_at else "", result.inputs_hash,
        result.override_selected_json, result.override_reason,
        result.override_exceptions_json))
    return hashlib.sha256(state.encode()).hexdigest()[:16]


def check_seen(result: RoundResult | None, seen: str | None) -> None:
    """Refuse to act on a result that changed after the officer's page showed it."""
    if seen and seen != result_version(result):
        raise Conflict(_("The result has changed since this page was shown: another officer "
                         "counted again or changed it. Check it below, then try again."))


TALLIED = "result.tallied"
CERTIFIED = "result.certified"


def locked_result(round_: Round) -> RoundResult | None:
    """The round's result, locked until the transaction ends (PostgreSQL; SQLite's write
    transactions are serialised already), so two officers' actions run one at a time."""
    return db.session.scalar(select(RoundResult).where(RoundResult.round_id == round_.id)
                             .with_for_update())


def tally(round_: Round, actor: User | None, *, submission: str | None = None,
          seen: str | None = None,
          progress: Callable[[int, str], None] | None = None) -> RoundResult:
    """Count the round's ballots with its rule. Refused before close and once certified.

    ``actor`` is the officer counting; None only from the command line, where the person
    at the server's console is trusted as an administrator. ``progress(n, stage)`` (the
    command line's progress bar) is told of each ``n`` ballots read, then of the count.
    """
    if actor is not None and not can_manage_round(actor, round_):
        raise NotAllowed(_("Only the partnership's officers can run the count."))
    result = locked_result(round_)
    if submissions.previous(submission, TALLIED, actor) is not None:
        return result  # the same form again: counted already
    if round_.status not in ("closed", "results"):
        raise ResultError(_("Voting has not closed yet, so the ballots cannot be counted."))
    if result is not None and result.is_certified:
        raise ResultFrozen(_("This result is certified and published, so it cannot be "
                             "counted again."))
    check_seen(result, seen)
    # Decision days (pb.events): no count while paper ballots are still being reconciled,
    # unless an officer recorded why for what is pending.
    check_before_tally(round_)
    instance = instance_from_round(round_)
    profile = profile_from_ballots(round_, instance, progress=progress and (
        lambda n: progress(n, "reading the ballots")))
    if progress is not None:
        progress(0, f"counting with {round_.allocation_rule} and the comparison rules")
    try:
        outcome = allocate(instance, profile, round_.allocation_rule, tie_break=round_.tie_break,
                           constraints=constraints_for(round_, profile.num_voters))
        comparison = comparison_for(round_, instance, profile)
    except ValueError as exc:
        raise ResultError(_("The count could not run: %(problem)s.", problem=exc)) from exc
    try:
        return _store_count(round_, actor, result, write_pb(instance, profile),
                            profile.num_voters, outcome, submission, comparison)
    except IntegrityError:  # a first count raced another: the other one stands
        submissions.after_race(submission, TALLIED, actor, _(
            "Another officer has just changed this result: check it below, then try again."))
        return result_for(round_)


def _store_count(round_: Round, actor: User | None, result: RoundResult | None, pb_text: str,
                 voters: int, outcome, submission: str | None,
                 comparison: dict | None = None) -> RoundResult:
    before = None
    if result is None:
        result = RoundResult(round_id=round_.id)
        db.session.add(result)
    else:
        before = {"selected": result.selected, "inputs_hash": result.inputs_hash,
                  "override_reason": result.override_reason}
    result.rule = round_.allocation_rule
    result.tie_break = round_.tie_break
    result.inputs_hash = _inputs_hash(pb_text)
    result.ballots_counted = voters
    result.budget_pence = round_.budget_pence
    result.outcome_json = json.dumps(outcome.to_json(), sort_keys=True)
    result.comparison_json = json.dumps(comparison, sort_keys=True) if comparison else None
    result.tallied_at = utcnow()
    result.tallied_by_id = actor.id if actor else None
    # A new count replaces any override made on the old one.
    result.override_selected_json = None
    result.override_reason = None
    result.override_by_id = None
    result.override_exceptions_json = None
    db.session.flush()
    submissions.record(submission, TALLIED, result.id, actor)
    db.session.flush()
    audit.record("result.tallied", result, before=before,
                 after={"round_id": round_.id, "rule": result.rule,
                        "tie_break": result.tie_break, "inputs_hash": result.inputs_hash,
                        "ballots": result.ballots_counted, "selected": list(outcome.selected)},
                 actor=actor)
    db.session.commit()
    return result


def certify(round_: Round, actor: User, *, submission: str | None = None,
            seen: str | None = None, read_it: bool | None = None) -> RoundResult:
    """A second officer confirms the result they were shown; it is published and frozen.

    ``read_it``: from the results page, whether the officer ticked that they have read the
    explained count (refused when False). None only where no page is shown (the demo).
    """
    if not can_manage_round(actor, round_):
        raise NotAllowed(_("Only the partnership's officers can certify the result."))
    result = locked_result(round_)
    if submissions.previous(submission, CERTIFIED, actor) is not None:
        return result  # the same form again: certified already
    if result is None:
        raise ResultError(_("There is no count to certify yet."))
    if result.is_certified:
        raise ResultFrozen(_("This result is already certified."))
    if not can_certify_result(actor, round_, result):
        raise NotAllowed(_("A second officer must certify: you ran the count or changed its "
                           "result, so ask a colleague."))
    check_seen(result, seen)
    if read_it is False:
        raise ResultError(_("Tick that you have read the count explained above before you "
                            "certify it."), field="read_it")
    if _inputs_hash(ballots_pb(round_)) != result.inputs_hash:
        raise ResultError(_("The ballots or projects have changed since the count: run the "
                            "count again before certifying."))
    now = utcnow()
    result.certified_at = now
    result.certified_by_id = actor.id
    round_.results_published_at = now
    create_draft_grants(round_, result, actor)  # in this transaction: never orphans
    carried = carry_over.record(round_, result)
    submissions.record(submission, CERTIFIED, result.id, actor)
    audit.record("result.certified", result,
                 after={"round_id": round_.id, "selected": result.selected,
                        **({"carried_over": carried} if carried else {}),
                        "inputs_hash": result.inputs_hash,
                        "override_reason": result.override_reason,
                        "override_exceptions": result.override_exceptions}, actor=actor)
    db.session.commit()
    return result

