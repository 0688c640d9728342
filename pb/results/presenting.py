"""Results for people: the rows of the results page and API, where the money went, and the
same ballots under other rules. Reads the stored count only: nothing here runs a rule.
"""

from __future__ import annotations

from fractions import Fraction

from flask_babel import force_locale
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from pb.anchors import certified_anchor
from pb.models import Round
from pb.models.result import RoundResult
from pb.models.round import rule_name
from pb.money import format_pence
from pb.results import carry_over
from pb.voting.services import ballot_proposals


def _money(pence) -> str:
    return format_pence(int(Fraction(pence)), whole=True)


def _changed_note(funded: bool) -> str:
    return " " + (_("The partnership changed this: it is now funded. See the reason given above.")
                  if funded else _("The partnership changed this: it is now not funded. See the "
                                   "reason given above."))


def result_rows(result: RoundResult, round_: Round) -> list[dict]:
    """One row per project for the page and the API: the funded projects first, in the order
    they were funded, then the rest by support (most votes first, ties as the round broke them).

    ``reason`` is the plain-English line for residents; ``explanation`` the technical trace.
    """
    outcome = result.outcome
    final = result.selected
    computed = set(result.computed_selected)
    titles = {p.pb_id: p for p in ballot_proposals(round_)}
    rows = []
    for pid, data in outcome["projects"].items():
        funded = pid in final
        explanation = data["explanation"]
        reason = data.get("reason") or explanation  # a count stored before reasons existed
        if result.override_selected_json is not None and funded != (pid in computed):
            reason = (_("Funded (changed by the partnership): %(reason)s", reason=reason) if funded
                      else _("Not funded (changed by the partnership): %(reason)s", reason=reason))
            explanation += _changed_note(funded)
        proposal = titles.get(pid)
        rows.append({"id": pid, "title": proposal.title if proposal else pid,
                     "proposal": proposal, "cost": int(data["cost"]), "votes": data["votes"],
                     "points": data.get("points"), "selected": funded, "rank": data.get("rank"),
                     "reason": reason, "explanation": explanation})
    order = {pid: i for i, pid in enumerate(final)}
    rows.sort(key=lambda r: (not r["selected"], order.get(r["id"], 0),
                             r["rank"] if r["rank"] else len(rows) + 1, -r["votes"], r["title"]))
    return rows


def _pass_line(run: dict, policy: str, carried: dict) -> str | None:
    """One pass of the count (a ward's, a reserve's or the area's money) in a sentence."""
    budget, spent = Fraction(run["budget"]), Fraction(run["spent"])
    left = budget - spent
    if run["kind"] == "ward":
        head = _("%(ward)s ward's own budget of %(budget)s funded %(spent)s of projects",
                 ward=run["name"], budget=_money(budget), spent=_money(spent))
        if not left:
            return _("%(head)s.", head=head)
        if policy == "pooled":
            return _("%(head)s; the %(left)s left was pooled into the area-wide budget, where "
                     "every unfunded project could compete for it.", head=head, left=_money(left))
        if policy == "rollover":
            return _rolled_over(head, left, run["name"], carried)
        return _("%(head)s; the %(left)s left was not spent and goes back to the partnership.",
                 head=head, left=_money(left))
    if run["kind"] == "reserve":
        money = {"budget": _money(budget), "name": run["name"], "spent": _money(spent),
                 "left": _money(left)}
        if left:
            return _("The %(budget)s set aside for %(name)s funded %(spent)s of projects; the "
                     "%(left)s left went back into the main budget.", **money)
        return _("The %(budget)s set aside for %(name)s funded %(spent)s of projects.", **money)
    if run["kind"] == "area":
        money = {"budget": _money(budget), "spent": _money(spent)}
        if run["pooled"]:
            return _("The area-wide budget of %(budget)s (including the wards' pooled "
                     "leftovers) funded %(spent)s of projects.", **money)
        return _("The area-wide budget of %(budget)s funded %(spent)s of projects.", **money)
    return None


def money_story(result: RoundResult, round_: Round) -> list[str]:
    """Where the money went, in sentences: each ward's leftover (pooled, returned or rolled
    over, as the round said), the reserves, and what was not spent in the end."""
    lines = []
    passes = result.outcome.get("passes") or []
    policy = round_.ward_leftover
    carried = ({c.ward.name: c for c in carry_over.carried_from(round_)}
               if policy == "rollover" and result.is_certified else {})
    if result.override_selected_json is None:
        lines += [line for run in passes if (line := _pass_line(run, policy, carried))]
    unspent = result.budget_pence - result.spent_pence
    if unspent > 0:
        where = _where_unspent_goes(result, round_, unspent, passes)
        fills = result.rule.startswith("greedy") or result.rule.endswith("-add1")
        projects = result.outcome["projects"]
        wanted = [pid for pid, p in projects.items() if p["votes"] and pid not in result.selected]
        money = {"unspent": _money(unspent), "budget": _money(result.budget_pence)}
        if not wanted:
            said = _("In all, %(unspent)s of the %(budget)s budget was not spent, because every "
                     "project someone voted for was funded.", **money)
        elif fills and result.override_selected_json is None:
            said = _("In all, %(unspent)s of the %(budget)s budget was not spent, because no "
                     "project still in the running fitted in what was left.", **money)
        else:
            said = _("In all, %(unspent)s of the %(budget)s budget was not spent.", **money)
        lines.append(f"{said} {where}")
    else:
        lines.append(_("The whole budget of %(budget)s was spent.",
                       budget=_money(result.budget_pence)))
    return lines


def _rolled_over(head: str, left, ward: str, carried: dict) -> str:
    carry = carried.get(ward)
    if carry is not None and carry.into_round is not None:
        return _("%(head)s; the %(left)s left was added to %(ward)s ward's budget in "
                 "%(round)s.", head=head, left=_money(left), ward=ward,
                 round=carry.into_round.name)
    return _("%(head)s; the %(left)s left is added to %(ward)s ward's budget in the next round.",
             head=head, left=_money(left), ward=ward)


def _where_unspent_goes(result: RoundResult, round_: Round, unspent: int, passes) -> str:
    rolled = (sum(carry_over.leftovers(round_, result).values())
              if round_.ward_leftover == "rollover" and passes else 0)
    if not rolled:
        return _("It goes back to the partnership.")
    if rolled >= unspent:
        return _("It is carried into the wards' budgets in the next round.")
    return _("Of this, the %(rolled)s left in the wards' own budgets is carried into their "
             "budgets in the next round; the rest goes back to the partnership.",
             rolled=_money(rolled))


def constraint_lines(round_: Round) -> list[str]:
    """The round's rules of the count, in words, for the results page."""
    lines = []
    if round_.has_ward_budgets:
        wards = ", ".join(f"{wb.ward.name} {_money(wb.budget_pence)}"
                          for wb in sorted(round_.ward_budgets, key=lambda w: w.ward.name))
        leftover = {"pooled": _("pooled into the area-wide budget"),
                    "returned": _("returned to the partnership"),
                    "rollover": _("rolled into the ward's budget for the next round")}
        lines.append(_("Each ward had its own budget (%(wards)s); a ward's leftover money was "
                       "%(leftover)s.", wards=wards,
                       leftover=leftover.get(round_.ward_leftover, round_.ward_leftover)))
    if round_.min_support_votes and round_.min_support_votes > 1:
        lines.append(_("A project needed at least %(votes)s votes to be funded.",
                       votes=round_.min_support_votes))
    if round_.min_support_percent:
        lines.append(_("A project needed the votes of at least %(percent)s%% of voters to be "
                       "funded.", percent=round_.min_support_percent))
    for limit in sorted(round_.theme_limits, key=lambda t: t.theme.name):
        if limit.reserve_pence:
            lines.append(_("%(money)s was set aside first for %(theme)s projects.",
                           money=_money(limit.reserve_pence), theme=limit.theme.name))
        if limit.cap_pence is not None:
            lines.append(_("At most %(money)s could go to %(theme)s projects.",
                           money=_money(limit.cap_pence), theme=limit.theme.name))
    lines += [_("This round's budget includes %(carried)s.", carried=carry_over.sentence(carry))
              for carry in carry_over.added_to(round_)]
    return lines


METRIC_LABELS = (
    ("voters_with_funded_project", _l("Voters with at least one funded project they voted for")),
    ("share_of_budget_spent", _l("Share of the money spent")),
    ("avg_share_of_approved_spending_funded",
     _l("Average share of each voter's chosen spending that was funded")),
)


def comparison_view(result: RoundResult, rows: list[dict]) -> dict | None:
    """The stored comparison, shaped for the page: one column per rule, the projects the rules
    disagree on, the fairness figures, and each ward's proportionality figure."""
    comparison = result.comparison
    if not comparison:
        return None
    rules = list(comparison)
    titles = {r["id"]: r["title"] for r in rows}
    costs = {r["id"]: r["cost"] for r in rows}
    chosen = {rule: set(comparison[rule]["selected"]) for rule in rules}
    differences = [{"id": pid, "title": titles[pid], "cost": costs[pid],
                    "funded": [pid in chosen[rule] for rule in rules]}
                   for pid in (r["id"] for r in rows)
                   if len({pid in chosen[rule] for rule in rules}) > 1]
    metrics = [{"label": label, "values": [comparison[rule]["metrics"].get(key) for rule in rules]}
               for key, label in METRIC_LABELS]
    wards = sorted({w for rule in rules
                    for w in comparison[rule]["metrics"].get("ward_proportionality", {})})
    per_ward = [{"ward": w, "values": [comparison[rule]["metrics"].get("ward_proportionality", {})
                                       .get(w) for rule in rules]} for w in wards]
    return {"rules": [{"id": rule, "name": rule_name(rule), "current": rule == result.rule,
                       "funded": len(comparison[rule]["selected"]),
                       "spent": int(Fraction(comparison[rule]["spent"]))} for rule in rules],
            "differences": differences, "metrics": metrics, "per_ward": per_ward}


def results_json(result: RoundResult, round_: Round) -> dict:
    """The result as open data: always in English, whatever language the reader chose."""
    with force_locale("en"):
        return _results_json(result, round_)


def _results_json(result: RoundResult, round_: Round) -> dict:
    rows = result_rows(result, round_)
    return {
        "round_id": round_.id,
        "rule": result.rule,
        "rule_name": rule_name(result.rule),
        "tie_break": result.tie_break,
        "budget": result.budget_pence,
        "spent": result.spent_pence,
        "certified": result.is_certified,
        "certified_at": result.certified_at.isoformat() + "Z" if result.certified_at else None,
        "ballots": result.ballots_counted,
        "inputs_sha256": result.inputs_hash,
        "selected": result.selected,
        "computed_selected": result.computed_selected,
        "projects": {r["id"]: {"name": r["title"], "cost": r["cost"], "votes": r["votes"],
                               **({"points": r["points"]} if r["points"] is not None else {}),
                               "selected": r["selected"], "reason": r["reason"],
                               "rank": r["rank"], "explanation": r["explanation"]}
                     for r in rows},
        "money": money_story(result, round_),
        "metrics": result.outcome.get("metrics", {}),
        "override": result.override_reason,
        "override_exceptions": result.override_exceptions,
        "comparison": result.comparison,
        # The audit chain's head when this result was certified (pb.anchors): anyone can
        # check later that the log still holds it (flask --app pb audit-verify --expect).
        "audit_anchor": certified_anchor(result.id) if result.is_certified else None,
    }
