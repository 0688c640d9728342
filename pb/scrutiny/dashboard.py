"""The programme dashboard: its figures, worked out once per request, and its charts.

``Dashboard`` computes each part lazily, so a chart's CSV download runs only the
queries that chart needs. ``CHARTS`` names every chart; the page, the table beneath each
chart and the chart's CSV all come from the same ``Chart`` object.
"""

from __future__ import annotations

from functools import cached_property

from flask_babel import gettext as _

from pb.scrutiny import equality, money, outcomes, turnout
from pb.scrutiny.charts import Chart
from pb.scrutiny.filters import Filters

DIMENSIONS = {"round": "Round", "ward": "Ward", "theme": "Theme",
              "organisation_type": "Organisation type"}
MONEY_SERIES = ["Reported spent", "Paid, spend not yet reported", "Awarded, not yet paid"]
# A chart's title, axis label and note are read on the page only, so they are translated;
# its columns are also its CSV's header, so they stay as they are (open data).


def _money_title(dimension: str) -> str:
    return {"round": _("Grant money by round"), "ward": _("Grant money by ward"),
            "theme": _("Grant money by theme"),
            "organisation_type": _("Grant money by organisation type")}[dimension]


def _allocated_title(dimension: str) -> str:
    return {"round": _("Allocated by the vote, by round"),
            "ward": _("Allocated by the vote, by ward"),
            "theme": _("Allocated by the vote, by theme"),
            "organisation_type": _("Allocated by the vote, by organisation type")}[dimension]


class Dashboard:
    def __init__(self, filters: Filters, *, sees_all_rounds: bool = False):
        self.filters = filters
        self.sees_all_rounds = sees_all_rounds

    @cached_property
    def totals(self) -> money.Totals:
        return money.totals(self.filters)

    @cached_property
    def by(self) -> dict[str, list[dict]]:
        return money.by_dimension(self.filters)

    @cached_property
    def allocated(self) -> dict:
        return money.allocated(self.filters)

    @cached_property
    def turnout_rounds(self) -> list:
        return turnout.rounds_for_turnout(self.sees_all_rounds)

    @cached_property
    def turnout(self) -> dict:
        return turnout.turnout(self.filters, self.turnout_rounds)

    @cached_property
    def grants(self) -> list:
        return outcomes.grants_in_scope(self.filters)

    @cached_property
    def kpis(self) -> list[dict]:
        return outcomes.kpis(self.grants)

    @cached_property
    def outcomes(self) -> list[dict]:
        return outcomes.outcomes(self.grants)

    @cached_property
    def value_for_money(self) -> list[dict]:
        return outcomes.value_for_money(money.savings_by_programme(self.filters))

    @cached_property
    def equality(self) -> list[dict]:
        return equality.tables(self.filters)

    def chart(self, name: str) -> Chart | None:
        builder = CHARTS.get(name)
        return builder(self) if builder else None

    def charts(self) -> dict[str, Chart]:
        return {name: builder(self) for name, builder in CHARTS.items()}


def money_split(row: dict) -> list[int]:
    """A breakdown row as three parts that add up to what is still committed: spent,
    paid but not yet reported spent, and awarded but not yet paid."""
    paid = max(row["paid"] - row["returned"], 0)
    spent = min(row["spent"], paid)
    to_pay = max(row["awarded"] - row["not_paid"] - row["paid"], 0)
    return [spent, paid - spent, to_pay]


def _money_chart(dimension: str):
    def build(board: Dashboard) -> Chart:
        label = DIMENSIONS[dimension]
        return Chart(
            f"grants-by-{dimension.replace('_', '-')}", "stacked",
            _money_title(dimension), label, _("Pounds"), [label, *MONEY_SERIES],
            [[row["label"], *money_split(row)] for row in board.by[dimension]], unit="pence",
            note=_("Paid is net of money clawed back or returned. A grant serving several "
                   "wards or themes counts in each.") if dimension in ("ward", "theme") else
            _("Paid is net of money clawed back or returned."))
    return build


def _allocated_chart(dimension: str):
    def build(board: Dashboard) -> Chart:
        label = DIMENSIONS[dimension]
        return Chart(f"allocated-by-{dimension.replace('_', '-')}", "bar",
                     _allocated_title(dimension), label, _("Pounds"),
                     [label, "Allocated"],
                     [[name, value] for name, value in board.allocated["by"][dimension]],
                     unit="pence", note=_("The funded cost of certified results."))
    return build


def _round_budgets(board: Dashboard) -> Chart:
    return Chart("round-budgets", "progress", _("Allocated against each round's budget"),
                 "Round", _("allocated of the budget"), ["Round", "Allocated", "Budget"],
                 [list(row) for row in board.allocated["budgets"]], unit="pence")


def _programme_budgets(board: Dashboard) -> Chart:
    rows = []
    for row in board.value_for_money:
        programme = row["programme"]
        awarded = next((r["awarded"] for r in board.by["programme"]
                        if r["label"] == programme.name), 0)
        rows.append([programme.name, awarded, programme.budget_pence])
    return Chart("programme-budgets", "progress", _("Grants awarded against each programme's "
                                                     "budget"), "Programme",
                 _("awarded of the budget"),
                 ["Programme", "Awarded", "Budget"], rows, unit="pence")


def _paid_over_time(board: Dashboard) -> Chart:
    rows, running = [], 0
    for month, amount in money.paid_by_month(board.filters):
        running += amount
        rows.append([month, running, amount])
    return Chart("paid-over-time", "line", _("Grant money paid over time (running total)"),
                 "Month", _("Pounds paid"), ["Month", "Paid to date", "Paid that month"], rows,
                 unit="pence")


def _turnout_by_round(board: Dashboard) -> Chart:
    channels = list(turnout.CHANNELS)
    return Chart("turnout-by-round", "stacked", _("Ballots counted by round and channel"),
                 "Round", _("Ballots"), ["Round", *turnout.CHANNELS.values()],
                 [[row["round"], *(row["channels"].get(c, 0) for c in channels)]
                  for row in board.turnout["rounds"]])


def _turnout_by_ward(board: Dashboard) -> Chart:
    shown = [row for row in board.turnout["wards"] if row["percent"] is not None]
    several = len({row["round"] for row in shown}) > 1
    label = "Ward (round)" if several else "Ward"
    rows = [[f"{row['ward']} ({row['round']})" if several else row["ward"],
             float(row["percent"]), row["ballots"], row["population"]] for row in shown]
    return Chart("turnout-by-ward", "bar", _("Turnout by ward: ballots as a share of "
                                             "residents"), label, _("Per cent of residents"),
                 [label, "Turnout (%)", "Ballots", "Residents"], rows,
                 unit="percent", note=_("Only wards whose population is known."))


def _kpis(board: Dashboard) -> Chart:
    rows = [[f"{row['kpi'].name} ({row['kpi'].unit})", row["achieved"], row["target"]]
            for row in board.kpis if row["target"]]
    return Chart("kpis", "progress", _("Programme KPIs: achieved against targets"), "KPI",
                 _("achieved of the target"), ["KPI", "Achieved", "Target"], rows)


def _outcomes(board: Dashboard) -> Chart:
    return Chart("outcomes", "stacked", _("Outcomes: grants claiming, evidencing and "
                                           "verifying each"), "Outcome", _("Grants"),
                 ["Outcome", "Claimed", "Evidenced", "Verified"],
                 [[row["label"], row["claimed"], row["evidenced"], row["verified"]]
                  for row in board.outcomes],
                 note=_("Each grant counts once per outcome, at its strongest status."))


CHARTS = {
    "allocated-by-round": _allocated_chart("round"),
    "round-budgets": _round_budgets,
    "allocated-by-ward": _allocated_chart("ward"),
    "grants-by-round": _money_chart("round"),
    "grants-by-ward": _money_chart("ward"),
    "grants-by-theme": _money_chart("theme"),
    "grants-by-organisation-type": _money_chart("organisation_type"),
    "programme-budgets": _programme_budgets,
    "paid-over-time": _paid_over_time,
    "kpis": _kpis,
    "outcomes": _outcomes,
    "turnout-by-round": _turnout_by_round,
    "turnout-by-ward": _turnout_by_ward,
}
