"""Results for people: the rows of the results page and API, where the money went, and the
same ballots under other rules. Reads the stored count only: nothing here runs a rule.
"""

from __future__ import annotations

from fractions import Fraction

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
    return (" The partnership changed this: it is now funded." if funded else
            " The partnership changed this: it is now not funded.") + " See the reason given above."


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
            reason = ("Funded" if funded else "Not funded") + " (changed by the partnership): " \
                + reason
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


def money_story(result: RoundResult, round_: Round) -> list[str]:
    """Where the money went, in sentences: each ward's leftover (pooled, returned or rolled
    over, as the round said), the reserves, and what was not spent in the end."""
    lines = []
    passes = result.outcome.get("passes") or []
    policy = round_.ward_leftover
    carried = ({c.ward.name: c for c in carry_over.carried_from(round_)}
               if policy == "rollover" and result.is_certified else {})
    if result.override_selected_json is None:
        for run in passes:
            budget, spent = Fraction(run["budget"]), Fraction(run["spent"])
            left = budget - spent
            if run["kind"] == "ward":
                head = (f"{run['name']} ward's own budget of {_money(budget)} funded "
                        f"{_money(spent)} of projects")
                if not left:
                    lines.append(head + ".")
                elif policy == "pooled":
                    lines.append(f"{head}; the {_money(left)} left was pooled into the area-wide "
                                 f"budget, where every unfunded project could compete for it.")
                elif policy == "rollover":
                    lines.append(_rolled_over(head, left, run["name"], carried))
                else:
                    lines.append(f"{head}; the {_money(left)} left was not spent and goes back "
                                 f"to the partnership.")
            elif run["kind"] == "reserve":
                lines.append(f"The {_money(budget)} set aside for {run['name']} funded "
                             f"{_money(spent)} of projects"
                             + (f"; the {_money(left)} left went back into the main budget."
                                if left else "."))
            elif run["kind"] == "area":
                lines.append(f"The area-wide budget of {_money(budget)}"
                             + (" (including the wards' pooled leftovers)" if run["pooled"] else "")
                             + f" funded {_money(spent)} of projects.")
    unspent = result.budget_pence - result.spent_pence
    if unspent > 0:
        where = _where_unspent_goes(result, round_, unspent, passes)
        fills = result.rule.startswith("greedy") or result.rule.endswith("-add1")
        projects = result.outcome["projects"]
        wanted = [pid for pid, p in projects.items() if p["votes"] and pid not in result.selected]
        why = ""
        if not wanted:
            why = ", because every project someone voted for was funded"
        elif fills and result.override_selected_json is None:
            why = ", because no project still in the running fitted in what was left"
        lines.append(f"In all, {_money(unspent)} of the {_money(result.budget_pence)} budget was "
                     f"not spent{why}. {where}")
    else:
        lines.append(f"The whole budget of {_money(result.budget_pence)} was spent.")
    return lines


def _rolled_over(head: str, left, ward: str, carried: dict) -> str:
    carry = carried.get(ward)
    if carry is not None and carry.into_round is not None:
        return (f"{head}; the {_money(left)} left was added to {ward} ward's budget in "
                f"{carry.into_round.name}.")
    return f"{head}; the {_money(left)} left is added to {ward} ward's budget in the next round."


def _where_unspent_goes(result: RoundResult, round_: Round, unspent: int, passes) -> str:
    rolled = (sum(carry_over.leftovers(round_, result).values())
              if round_.ward_leftover == "rollover" and passes else 0)
    if not rolled:
        return "It goes back to the partnership."
    if rolled >= unspent:
        return "It is carried into the wards' budgets in the next round."
    return (f"Of this, the {_money(rolled)} left in the wards' own budgets is carried into "
            f"their budgets in the next round; the rest goes back to the partnership.")


def constraint_lines(round_: Round) -> list[str]:
    """The round's rules of the count, in words, for the results page."""
    lines = []
    if round_.has_ward_budgets:
        wards = ", ".join(f"{wb.ward.name} {_money(wb.budget_pence)}"
                          for wb in sorted(round_.ward_budgets, key=lambda w: w.ward.name))
        leftover = {"pooled": "pooled into the area-wide budget",
                    "returned": "returned to the partnership",
                    "rollover": "rolled into the ward's budget for the next round"}
        lines.append(f"Each ward had its own budget ({wards}); a ward's leftover money was "
                     f"{leftover.get(round_.ward_leftover, round_.ward_leftover)}.")
    if round_.min_support_votes and round_.min_support_votes > 1:
        lines.append(f"A project needed at least {round_.min_support_votes} votes to be funded.")
    if round_.min_support_percent:
        lines.append(f"A project needed the votes of at least {round_.min_support_percent}% of "
                     f"voters to be funded.")
    for limit in sorted(round_.theme_limits, key=lambda t: t.theme.name):
        if limit.reserve_pence:
            lines.append(f"{_money(limit.reserve_pence)} was set aside first for "
                         f"{limit.theme.name} projects.")
        if limit.cap_pence is not None:
            lines.append(f"At most {_money(limit.cap_pence)} could go to {limit.theme.name} "
                         f"projects.")
    lines += [f"This round's budget includes {carry_over.sentence(carry)}."
              for carry in carry_over.added_to(round_)]
    return lines


METRIC_LABELS = (
    ("voters_with_funded_project", "Voters with at least one funded project they voted for"),
    ("share_of_budget_spent", "Share of the money spent"),
    ("avg_share_of_approved_spending_funded",
     "Average share of each voter's chosen spending that was funded"),
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
