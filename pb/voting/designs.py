"""Ballot designs: reading a filled-in ballot paper and checking it against the round's rules.

Pure functions over plain data (no ORM): ``read_choices`` turns the submitted form
into ``{proposal_id: value}`` (1 for a tick, the points or score, or the rank) and
``check_ballot`` returns the problems, each saying what to change.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from pb.models.round import CORE_BALLOT_KIND
from pb.money import format_pence

SCORE_MAX = 5
DEFAULT_POINTS_TOTAL = 10

#: How each design's ballots reach the allocation core (one table, in pb/models/round.py).
CORE_KIND = CORE_BALLOT_KIND


@dataclass(frozen=True)
class PaperProject:
    id: int
    title: str
    cost_pence: int
    section: str  # key of the budget section it belongs to


@dataclass(frozen=True)
class Section:
    """A part of the ballot with its own money: a ward's projects, or the area-wide ones."""

    key: str
    label: str
    limit_pence: int


@dataclass(frozen=True)
class Rules:
    design: str
    min_choices: int | None = None
    max_choices: int | None = None
    points_total: int | None = None
    points_per_project_max: int | None = None
    rank_length: int | None = None
    min_budget_percent: int | None = None

    @classmethod
    def of_round(cls, round_) -> Rules:
        return cls(round_.ballot_design, round_.ballot_min_choices, round_.ballot_max_choices,
                   round_.ballot_points_total, round_.ballot_points_per_project_max,
                   round_.ballot_rank_length, round_.ballot_min_budget_percent)

    @property
    def fewest(self) -> int:
        return 1 if self.min_choices is None else self.min_choices

    @property
    def total_points(self) -> int:
        return self.points_total or DEFAULT_POINTS_TOTAL

    @property
    def ranks(self) -> int:
        return self.rank_length or 3


@dataclass
class Problems:
    """Problems with a ballot: ``general`` for the summary, ``fields`` by input name."""

    general: list[str] = field(default_factory=list)
    fields: dict[str, str] = field(default_factory=dict)

    def __bool__(self) -> bool:
        return bool(self.general or self.fields)

    def all(self) -> list[tuple[str | None, str]]:
        return [(None, m) for m in self.general] + list(self.fields.items())


def _plural(n: int, word: str) -> str:
    return f"{n} {word}" if n == 1 else f"{n} {word}s"


def read_choices(rules: Rules, form, project_ids: set[int]) -> tuple[dict[int, int], Problems]:
    """The submitted form as {proposal id: value}; unreadable values become field problems.

    ``form`` is a MultiDict (request.form). Values naming projects that are not on this
    voter's paper are reported, not dropped, so nothing a voter chose disappears silently.
    """
    problems = Problems()
    choices: dict[int, int] = {}
    unknown = False
    design = rules.design
    if design in ("approval", "budget"):
        for raw in form.getlist("project"):
            pid = _int(raw)
            if pid is None or pid not in project_ids:
                unknown = True
                continue
            choices[pid] = 1
    elif design in ("points", "scores"):
        top = SCORE_MAX if design == "scores" else None
        for name, raw in form.items(multi=True):
            if not name.startswith("points-"):
                continue
            pid = _int(name[len("points-"):])
            if pid is None or pid not in project_ids:
                unknown = True
                continue
            text = (raw or "").strip()
            if not text:
                continue
            value = _int(text)
            if value is None or value < 0 or (top is not None and value > top):
                problems.fields[name] = (f"Give a whole number from 0 to {top}." if top is not None
                                         else "Give a whole number of points, 0 or more.")
                continue
            if value:
                choices[pid] = value
    elif design == "ranking":
        seen: dict[int, int] = {}
        for rank in range(1, rules.ranks + 1):
            name = f"rank-{rank}"
            raw = (form.get(name) or "").strip()
            if not raw:
                continue
            pid = _int(raw)
            if pid is None or pid not in project_ids:
                unknown = True
                continue
            if pid in seen:
                problems.fields[name] = (f"You put this project at number {seen[pid]} already: "
                                         "choose a different one, or leave this place empty.")
                continue
            seen[pid] = rank
        # Close the gaps: 1st and 3rd chosen -> ranks 1 and 2.
        choices = {pid: i + 1 for i, (pid, _r) in enumerate(sorted(seen.items(),
                                                                   key=lambda kv: kv[1]))}
    if unknown:
        problems.general.append("One of your choices is not a project on this ballot. It may "
                                "have been withdrawn: check your choices and submit again.")
    return choices, problems


def check_ballot(rules: Rules, projects: list[PaperProject], sections: list[Section],
                 choices: dict[int, int]) -> Problems:
    """Everything wrong with a complete ballot, each problem saying what to change."""
    problems = Problems()
    by_id = {p.id: p for p in projects}
    chosen = [pid for pid, value in choices.items() if value and pid in by_id]
    if rules.design == "points":
        _check_points(rules, chosen, choices, problems)
    _check_count(rules, len(chosen), problems)
    if rules.design == "budget":
        _check_budget(rules, sections, by_id, chosen, problems)
    return problems


def _check_points(rules: Rules, chosen: list[int], choices: dict[int, int],
                  problems: Problems) -> None:
    total = sum(choices[pid] for pid in chosen)
    if total > rules.total_points:
        problems.general.append(
            f"You gave out {total} points but you have {rules.total_points}. "
            f"Take {total - rules.total_points} away.")
    cap = rules.points_per_project_max
    if cap:
        for pid in chosen:
            if choices[pid] > cap:
                problems.fields[f"points-{pid}"] = (
                    f"At most {cap} points on one project: lower this to {cap} or less.")


def _check_count(rules: Rules, n: int, problems: Problems) -> None:
    design = rules.design
    if n < rules.fewest:
        if design == "scores":
            problems.general.append(f"Score at least {_plural(rules.fewest, 'project')} above 0.")
        elif design == "points":
            problems.general.append(
                f"Give points to at least {_plural(rules.fewest, 'project')} (you gave points "
                f"to {n}).")
        elif design == "ranking":
            problems.general.append(f"Rank at least {_plural(rules.fewest, 'project')}.")
        else:
            problems.general.append(
                f"Choose at least {_plural(rules.fewest, 'project')} (you chose {n}).")
    if rules.max_choices is not None and n > rules.max_choices:
        noun = "project" if design != "ranking" else "ranked project"
        problems.general.append(
            f"You chose {_plural(n, noun)}; the most you can choose is {rules.max_choices}. "
            f"Remove {n - rules.max_choices}.")


def _check_budget(rules: Rules, sections: list[Section], by_id: dict, chosen: list[int],
                  problems: Problems) -> None:
    spent_total = 0
    limit_total = 0
    for section in sections:
        spent = sum(by_id[pid].cost_pence for pid in chosen
                    if by_id[pid].section == section.key)
        spent_total += spent
        limit_total += section.limit_pence
        if spent > section.limit_pence:
            lead = "Your" if len(sections) == 1 else f"{section.label}: your"
            problems.general.append(
                f"{lead} choices cost {format_pence(spent, whole=True)}, "
                f"{format_pence(spent - section.limit_pence, whole=True)} more than the "
                f"{format_pence(section.limit_pence, whole=True)} you have. Untick projects "
                "to bring the total down.")
    if rules.min_budget_percent:
        needed = -(-limit_total * rules.min_budget_percent // 100)  # round up
        if spent_total < needed:
            problems.general.append(
                f"Use at least {rules.min_budget_percent}% of your budget "
                f"({format_pence(needed, whole=True)}): your choices cost "
                f"{format_pence(spent_total, whole=True)}. Choose more projects.")


def section_totals(projects: list[PaperProject], sections: list[Section],
                   choices: dict[int, int]) -> list[dict]:
    """For the running total: each section's money chosen, left and whether it is over."""
    by_id = {p.id: p for p in projects}
    rows = []
    for section in sections:
        spent = sum(by_id[pid].cost_pence for pid, v in choices.items()
                    if v and pid in by_id and by_id[pid].section == section.key)
        rows.append({"label": section.label, "spent": spent, "limit": section.limit_pence,
                     "left": section.limit_pence - spent, "over": spent > section.limit_pence})
    return rows


def describe_rules(rules: Rules, sections: list[Section]) -> list[str]:
    """The ballot's rules in plain English, for the top of the voting page."""
    lines = []
    design = rules.design
    if design == "approval":
        lines.append("Tick every project you would like to see funded.")
    elif design == "budget":
        if len(sections) == 1:
            lines.append(f"Choose projects whose costs add up to no more than "
                         f"{format_pence(sections[0].limit_pence, whole=True)}.")
        else:
            lines.append("Choose projects; each part of the ballot has its own money: "
                         + "; ".join(f"{s.label} {format_pence(s.limit_pence, whole=True)}"
                                     for s in sections) + ".")
        if rules.min_budget_percent:
            lines.append(f"Use at least {rules.min_budget_percent}% of your budget.")
    elif design == "points":
        text = f"Share up to {rules.total_points} points among the projects you like"
        if rules.points_per_project_max:
            text += f", at most {rules.points_per_project_max} on any one project"
        lines.append(text + ".")
    elif design == "scores":
        lines.append(f"Give each project a score from 0 (do not fund) to {SCORE_MAX} "
                     "(fund it first). Leave a project empty to give it 0.")
    elif design == "ranking":
        lines.append(f"Put up to {rules.ranks} projects in order, your favourite first.")
    if rules.fewest > 1 and design != "ranking":
        lines.append(f"Choose at least {rules.fewest} projects.")
    if rules.max_choices is not None and design in ("approval", "budget", "points"):
        lines.append(f"Choose at most {rules.max_choices} projects.")
    lines.append("Projects are listed in a random order, different for each voter.")
    return lines


def _int(raw) -> int | None:
    try:
        return int(str(raw).strip())
    except (TypeError, ValueError):
        return None
