"""Changing the computed result: an officer's override, held to the rule's own constraints.

An override is checked against the constraints the count obeyed (``constraints_for``
and the round's money): the total budget; with ward budgets, each ward's budget and
the money left for projects across the whole area; any caps; and the minimum support
(no project nobody voted for). Breaking one is allowed only as an explicit exception
the officer ticks, which names the constraint. The exceptions are stored with the
override, published on the results page and in the open data, kept in the audit log,
and shown to the second officer before they certify.
"""

from __future__ import annotations

import json
from dataclasses import dataclass

from flask_babel import gettext as _

from pb import audit, submissions
from pb.allocation import Instance
from pb.errors import NotAllowed
from pb.extensions import db
from pb.models import Round, User
from pb.models.result import RoundResult
from pb.money import format_pence
from pb.policy import can_manage_round
from pb.results.services import (
    ResultError,
    ResultFrozen,
    check_seen,
    constraints_for,
    instance_from_round,
    locked_result,
    result_for,
)

REASON_MIN = 20
ACTION = "result.overridden"


@dataclass(frozen=True)
class Breach:
    """A constraint the chosen projects break: a stable id and what it means, in words."""

    constraint: str  # "budget", "ward:<name>", "area", "cap:<kind>:<name>", "votes:<id>"
    text: str

    def as_json(self) -> dict:
        return {"constraint": self.constraint, "text": self.text}


def _money(pence) -> str:
    return format_pence(int(pence), whole=True)


def _ward_breaches(instance: Instance, selected: list[str], cost, ward_of,
                   pooled: bool = False) -> list[Breach]:
    wards = dict(instance.ward_budgets)
    found = []
    for ward, amount in wards.items():
        spent = sum(cost(pid) for pid in selected if ward_of(pid) == ward)
        if spent > amount:
            found.append(Breach(f"ward:{ward}", f"The {ward} ward budget of {_money(amount)}: "
                                                f"the projects chosen there cost {_money(spent)}."))
    area_money = instance.budget - sum(wards.values())
    area_spent = sum(cost(pid) for pid in selected if ward_of(pid) not in wards)
    if area_spent > area_money and not pooled:  # pooled: wards' leftovers join the area
        found.append(Breach("area", f"The {_money(area_money)} for projects across the whole "
                                    f"area: the projects chosen there cost "
                                    f"{_money(area_spent)}."))
    return found


def breaches(round_: Round, result: RoundResult, selected: list[str]) -> list[Breach]:
    """Every constraint of the count that funding ``selected`` would break."""
    instance = instance_from_round(round_)
    constraints = constraints_for(round_, result.ballots_counted)
    projects = result.outcome["projects"]
    by_id = {p.id: p for p in instance.projects}

    def cost(pid):
        return int(projects[pid]["cost"])

    def ward_of(pid):
        return by_id[pid].ward if pid in by_id else None

    found = []
    total = sum(cost(pid) for pid in selected)
    if total > result.budget_pence:
        found.append(Breach("budget", f"The total budget of {_money(result.budget_pence)}: the "
                                      f"projects chosen cost {_money(total)}."))
    if constraints.ward_budgets and instance.ward_budgets:
        found += _ward_breaches(instance, selected, cost, ward_of, constraints.pool_leftovers)
    for cap in constraints.caps:
        members = [pid for pid in selected if pid in by_id and (
            by_id[pid].ward == cap.name if cap.kind == "ward"
            else cap.name in by_id[pid].categories)]
        spent = sum(cost(pid) for pid in members)
        if spent > cap.limit(instance.budget):
            found.append(Breach(f"cap:{cap.kind}:{cap.name}",
                                f"The cap of {_money(cap.limit(instance.budget))} on "
                                f"{cap.name}: the projects chosen there cost {_money(spent)}."))
    for pid in selected:
        votes = projects[pid]["votes"]
        if votes < constraints.min_votes:
            title = by_id[pid].name if pid in by_id else pid
            found.append(Breach(f"votes:{pid}", f"Only projects someone voted for are funded: "
                                                f"{title} had no votes." if votes == 0 else
                                f"Only projects with at least {constraints.min_votes} votes are "
                                f"funded: {title} had {votes}."))
    return found


def _chosen(result: RoundResult, selected: list[str]) -> list[str]:
    """The choice in a stable order: the count's order for what it funded, then by id."""
    projects = result.outcome["projects"]
    if any(pid not in projects for pid in selected):
        raise ResultError(_("One of the projects chosen is not in this count."), field="selected")
    computed = result.computed_selected
    return [pid for pid in computed if pid in selected] + sorted(
        (pid for pid in set(selected) if pid not in computed), key=lambda p: (len(p), p))


def _checked(round_: Round, actor: User, seen: str | None) -> RoundResult:
    result = locked_result(round_)
    if result is None:
        raise ResultError(_("Run the count before changing its result."))
    if result.is_certified:
        raise ResultFrozen(_("This result is certified and published, so it cannot change."))
    check_seen(result, seen)
    return result


def override(round_: Round, actor: User, selected: list[str], reason: str, *,
             exceptions: list[str] = (), submission: str | None = None,
             seen: str | None = None) -> RoundResult:
    """Replace the computed funded list, with a written reason (public and audited).

    Each constraint the new list breaks must be among ``exceptions`` (the ids of
    ``breaches``); otherwise ``ResultError`` lists them on the ``exceptions`` field.
    """
    if not can_manage_round(actor, round_):
        raise NotAllowed(_("Only the partnership's officers can change the result."))
    if submissions.previous(submission, ACTION, actor) is not None:
        return result_for(round_)  # the same form again: already done
    result = _checked(round_, actor, seen)
    if submissions.previous(submission, ACTION, actor) is not None:
        return result  # it was done while this request waited for the lock
    reason = (reason or "").strip()
    if len(reason) < REASON_MIN:
        raise ResultError(_("Explain the change in at least a sentence: the reason is "
                            "published next to the result."), field="reason")
    ordered = _chosen(result, selected)
    if ordered == result.computed_selected:
        raise ResultError(_("That is the same as the computed result: choose which projects "
                            "to fund differently, or leave the result as it is."),
                          field="selected")
    broken = breaches(round_, result, ordered)
    unexcepted = [b for b in broken if b.constraint not in set(exceptions)]
    if unexcepted:
        raise ResultError(_("These projects break the count's own rules. Choose others, or "
                            "tick each rule you are making a published exception to: "
                            "%(rules)s", rules=" ".join(b.text for b in unexcepted)),
                          field="exceptions")
    before = {"selected": result.selected, "override_reason": result.override_reason,
              "exceptions": result.override_exceptions}
    result.override_selected_json = json.dumps(ordered)
    result.override_reason = reason
    result.override_by_id = actor.id
    result.override_exceptions_json = json.dumps([b.as_json() for b in broken]) if broken \
        else None
    submissions.record(submission, ACTION, result.id, actor)
    audit.record("result.overridden", result, before=before,
                 after={"round_id": round_.id, "selected": ordered,
                        "computed": result.computed_selected, "reason": reason,
                        "exceptions": [b.as_json() for b in broken]}, actor=actor)
    db.session.commit()
    return result
