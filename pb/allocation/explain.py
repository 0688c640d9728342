"""Plain-English reasons, with the figures, for every project's fate.

Rules record *facts* (rank, round, money left, price paid); this module turns
them into sentences.  Money goes through a formatter the caller may replace.
"""
from __future__ import annotations

from decimal import ROUND_HALF_EVEN, Decimal
from fractions import Fraction

from .facts import ConstraintFact, Fact, GreedyFact, MaxUtilityFact, MesFact, PhragmenFact
from .model import Instance

_SYMBOLS = {"GBP": "£", "EUR": "€", "USD": "$"}


def money_formatter(instance: Instance):
    """Default formatter: "£1,234.56" for GBP in pence, "PLN 1,234" for a .pb file in złoty.

    Whole amounts lose their decimals ("£8,000"); others are rounded to two.
    """
    symbol = _SYMBOLS.get(instance.currency.upper(), "")
    prefix = symbol or (instance.currency.upper() + " " if instance.currency else "")
    minor = instance.minor_units

    def fmt(amount) -> str:
        value = Fraction(amount) / minor
        sign = "-" if value < 0 else ""
        value = abs(value)
        if value.denominator == 1:
            text = f"{value.numerator:,}"
        else:
            d = (Decimal(value.numerator) / Decimal(value.denominator)).quantize(Decimal("0.01"), ROUND_HALF_EVEN)
            text = f"{d:,.2f}"
        return f"{sign}{prefix}{text}"

    return fmt


def ordinal(n: int) -> str:
    suffix = "th" if 10 <= n % 100 <= 20 else {1: "st", 2: "nd", 3: "rd"}.get(n % 10, "th")
    return f"{n}{suffix}"


def _votes(n: int) -> str:
    return f"{n:,} vote" + ("" if n == 1 else "s")


def _supporters(n: int) -> str:
    return f"{n:,} supporter" + ("" if n == 1 else "s")


def explain(pid: str, fact: Fact, *, cost, votes: int, fmt, rule_label: str, points=None, budget=None) -> str:
    """One project's sentence from the facts its rule recorded."""
    if isinstance(fact, ConstraintFact):
        return fact.text
    if isinstance(fact, GreedyFact):
        return _explain_greedy(fact, cost=cost, votes=votes, fmt=fmt, rule_label=rule_label, points=points)
    if isinstance(fact, MesFact):
        text = _explain_mes(fact, cost=cost, votes=votes, fmt=fmt, rule_label=rule_label)
        if fact.fill_left is not None and fact.why != "bought":
            text += f" In the top-up {fmt(fact.fill_left)} remained when it was reached, not enough."
        return text
    if isinstance(fact, PhragmenFact):
        return _explain_phragmen(pid, fact, cost=cost, votes=votes, fmt=fmt, budget=budget)
    if isinstance(fact, MaxUtilityFact):
        if fact.selected:
            return (f"Funded: part of the affordable set with the most total support "
                    f"({fact.welfare:,} votes for funded projects in all).")
        return (f"Not funded: the affordable set with the most total support "
                f"({fact.welfare:,} votes in all) leaves it out; it has {_votes(votes)} and costs {fmt(cost)}.")
    return "Not funded."


def _explain_greedy(fact: GreedyFact, *, cost, votes, fmt, rule_label, points):
    if fact.filled:
        return (f"Funded in the top-up after {rule_label}: ranked {ordinal(fact.rank)} of {fact.of} "
                f"by votes ({_votes(votes)}); {fmt(fact.left)} remained when it was reached "
                f"and it costs {fmt(cost)}.")
    score = _votes(votes) if fact.measure != "points" else f"{points:,} points"
    if fact.measure == "votes per unit of money":
        score += f" for {fmt(cost)}"
    head = f"ranked {ordinal(fact.rank)} of {fact.of} by {fact.measure} ({score})"
    if fact.selected:
        return f"Funded: {head}; {fmt(fact.left)} remained when it was reached and it costs {fmt(cost)}."
    return f"Not funded: {head}; {fmt(fact.left)} remained when it was reached, it costs {fmt(cost)}."


def _explain_phragmen(pid, fact: PhragmenFact, *, cost, votes, fmt, budget):
    why = fact.why
    if why == "bought":
        if fact.load[0]:
            return f"Funded in round {fact.round} of Phragmén's method: no one voted for it but money was left."
        return (f"Funded in round {fact.round} of Phragmén's method: sharing its cost raised the load "
                f"of each of its {_supporters(votes)} to {fmt(fact.load[1])}.")
    if why == "too_dear":
        return f"Not funded: it costs {fmt(cost)}, more than the whole budget of {fmt(budget)}."
    if why == "stopped" and fact.blocker == pid:
        return (f"Not funded: it came next in round {fact.round} of Phragmén's method but costs "
                f"{fmt(cost)} and only {fmt(fact.left)} remained, so the count stopped there.")
    return (f"Not funded: Phragmén's method stopped in round {fact.round} because the next project "
            f"({fact.blocker}) did not fit in the {fmt(fact.left)} left.")


def _explain_mes(fact: MesFact, *, cost, votes, fmt, rule_label):
    why = fact.why
    if why == "no_support":
        return "Not funded: no one voted for it."
    if why == "zero_utility":
        return ("Not funded by Equal Shares: it costs nothing, and with benefits measured by cost a free "
                "project counts as no benefit, so the rule never picks it.")
    if why == "free":
        return "Funded: it costs nothing and has supporters."
    if why == "bought":
        price, low, payers = fact.price, fact.low, fact.payers
        paid = f"each paid {fmt(price)}" if low == price else f"paid between {fmt(low)} and {fmt(price)} each"
        text = f"Funded in round {fact.round} of {rule_label}: its {_supporters(payers)} {paid}"
        if payers < votes:
            text += f" ({votes - payers:,} more had already spent their share)"
        return text + "."
    if why == "unaffordable":
        return (f"Not funded: by round {fact.round} of {rule_label} its {_supporters(votes)} had only "
                f"{fmt(fact.money)} left between them, and it costs {fmt(cost)}.")
    return "Not funded."


# Plain reasons, for residents ---------------------------------------------------------------
#
# ``explain`` above is the technical trace (rounds, per-voter payments, the top-up); the
# sentences below say the same in everyday words, without the rule's vocabulary.

def plain_scope(kind: str | None, name: str | None, budget, fmt) -> str:
    """Where a project was counted, for people: "" when there was one pot of money."""
    if kind == "ward":
        return f"It was counted within {name} ward's own budget of {fmt(budget)}."
    if kind == "reserve":
        return f"It was counted within the {fmt(budget)} set aside for {name}."
    if kind == "area":
        return f"It was counted in the area-wide budget of {fmt(budget)}."
    return ""


def plain_reason(pid: str, fact: Fact | None, *, funded: bool, cost, votes: int, rank: int, fmt,
                 points=None, budget=None) -> str:
    """One project's fate in everyday words: the verdict first, then the figures that decided it.

    ``rank`` is the project's place by support (1 = most supported), measured as the rule
    measures it (votes, points, or votes per pound).
    """
    verdict = "Funded" if funded else "Not funded"
    if fact is None:
        return f"{verdict}."
    if isinstance(fact, ConstraintFact):
        return fact.text
    if isinstance(fact, GreedyFact) and fact.filled:
        return (f"Funded with the money left over at the end: {ordinal(rank)} most supported; "
                f"{fmt(fact.left)} was left when its turn came.")
    if isinstance(fact, GreedyFact):
        return _plain_greedy(fact, cost=cost, votes=votes, rank=rank, fmt=fmt, points=points)
    if isinstance(fact, MesFact):
        return _plain_mes(fact, cost=cost, votes=votes, fmt=fmt)
    if isinstance(fact, PhragmenFact):
        return _plain_phragmen(pid, fact, cost=cost, votes=votes, fmt=fmt, budget=budget)
    if isinstance(fact, MaxUtilityFact):
        if fact.selected:
            return "Funded: part of the set of projects with the most votes in all that fits the budget."
        return (f"Not funded: the set of projects with the most votes in all that fits the budget "
                f"leaves it out ({_votes(votes)}, costs {fmt(cost)}).")
    return f"{verdict}."


def _plain_greedy(fact, *, cost, votes, rank, fmt, points):
    if fact.measure == "votes per unit of money":
        place = f"{ordinal(rank)} best value in votes per pound ({_votes(votes)} for {fmt(cost)})"
    elif fact.measure == "points":
        place = f"{ordinal(rank)} most points ({points:,} points)"
    else:
        place = f"{ordinal(rank)} most supported ({_votes(votes)})"
    if fact.selected:
        return f"Funded: {place}; {fmt(fact.left)} was left when its turn came."
    return (f"Not funded: {fmt(fact.left)} was left when its turn came and it costs {fmt(cost)} "
            f"({place.split(' (')[0]}).")


def _plain_mes(fact, *, cost, votes, fmt):
    why = fact.why
    if why == "no_support":
        return "Not funded: no one voted for it."
    if why == "zero_utility":
        return "Not funded: it costs nothing, so the equal shares had nothing to pay for."
    if why == "free":
        return "Funded: it costs nothing and people voted for it."
    if why == "bought":
        price, low, payers = fact.price, fact.low, fact.payers
        paid = f"each paying {fmt(price)}" if low == price else f"paying between {fmt(low)} and {fmt(price)} each"
        text = f"Funded: its {_supporters(payers)} shared the {fmt(cost)} cost from their shares, {paid}"
        if payers < votes:
            text += f" ({votes - payers:,} more had already spent their share on other projects)"
        return text + "."
    if why == "unaffordable":
        text = (f"Not funded: its {_supporters(votes)}' remaining shares added up to {fmt(fact.money)} "
                f"of its {fmt(cost)} cost.")
        if fact.fill_left is not None:
            text += f" {fmt(fact.fill_left)} was left over at the end, not enough for it."
        return text
    return "Not funded."


def _plain_phragmen(pid, fact, *, cost, votes, fmt, budget):
    why = fact.why
    if why == "bought":
        if fact.load[0]:
            return "Funded: no one voted for it, but money was left."
        return f"Funded: its {_supporters(votes)} shared the cost, keeping what any of them carried as low as possible."
    if why == "too_dear":
        return f"Not funded: it costs {fmt(cost)}, more than the whole budget of {fmt(budget)}."
    if why == "stopped" and fact.blocker == pid:
        return (f"Not funded: it was next in line, but only {fmt(fact.left)} was left and it costs "
                f"{fmt(cost)}, so the count stopped there.")
    return (f"Not funded: the count stopped before its turn, with {fmt(fact.left)} left, when the "
            f"project next in line did not fit.")
