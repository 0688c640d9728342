"""Ballot designs: reading a filled-in ballot paper and checking it against the round's rules.

Pure functions over plain data (no ORM): ``read_choices`` turns the submitted form
into ``{proposal_id: value}`` (1 for a tick, the points or score, or the rank) and
``check_ballot`` returns the problems, each saying what to change.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from flask_babel import get_locale, ngettext
from flask_babel import gettext as _

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


# Welsh ordinal endings for 1 to 20 (1af, 2il, 3ydd...); beyond 20 the plain number.
WELSH_ORDINALS = ("af", "il", "ydd", "ydd", "ed", "ed", "fed", "fed", "fed", "fed",
                  "eg", "fed", "eg", "eg", "fed", "eg", "eg", "fed", "eg", "fed")


def ordinal(n: int) -> str:
    """A rank as the reader's language writes it: "1st", "2nd" in English; "1af", "2il"
    in Welsh (for the ranked ballot's "Your 1st choice")."""
    locale = get_locale()
    if locale is not None and locale.language == "cy":
        return f"{n}{WELSH_ORDINALS[n - 1]}" if 1 <= n <= len(WELSH_ORDINALS) else str(n)
    if n % 100 in (11, 12, 13):
        return f"{n}th"
    return f"{n}{ {1: 'st', 2: 'nd', 3: 'rd'}.get(n % 10, 'th')}"


def _whole_number(top: int | None) -> str:
    if top is not None:
        return _("Give a whole number from 0 to %(top)s.", top=top)
    return _("Give a whole number of points, 0 or more.")


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
                problems.fields[name] = _whole_number(top)
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
                problems.fields[name] = _(
                    "You put this project at number %(rank)s already: choose a different one, "
                    "or leave this place empty.", rank=seen[pid])
                continue
            seen[pid] = rank
        # Close the gaps: 1st and 3rd chosen -> ranks 1 and 2.
        choices = {pid: i + 1 for i, (pid, _r) in enumerate(sorted(seen.items(),
                                                                   key=lambda kv: kv[1]))}
    if unknown:
        problems.general.append(_("One of your choices is not a project on this ballot. It "
                                  "may have been withdrawn: check your choices and submit "
                                  "again."))
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
        problems.general.append(_(
            "You gave out %(total)s points but you have %(allowed)s. Take %(over)s away.",
            total=total, allowed=rules.total_points, over=total - rules.total_points))
    cap = rules.points_per_project_max
    if cap:
        for pid in chosen:
            if choices[pid] > cap:
                problems.fields[f"points-{pid}"] = _(
                    "At most %(cap)s points on one project: lower this to %(cap)s or less.",
                    cap=cap)


def _check_count(rules: Rules, n: int, problems: Problems) -> None:
    design = rules.design
    fewest = rules.fewest
    if n < fewest:
        if design == "scores":
            problems.general.append(ngettext("Score at least %(num)d project above 0.",
                                             "Score at least %(num)d projects above 0.", fewest))
        elif design == "points":
            problems.general.append(ngettext(
                "Give points to at least %(num)d project (you gave points to %(given)d).",
                "Give points to at least %(num)d projects (you gave points to %(given)d).",
                fewest, given=n))
        elif design == "ranking":
            problems.general.append(ngettext("Rank at least %(num)d project.",
                                             "Rank at least %(num)d projects.", fewest))
        else:
            problems.general.append(ngettext(
                "Choose at least %(num)d project (you chose %(chosen)d).",
                "Choose at least %(num)d projects (you chose %(chosen)d).", fewest, chosen=n))
    if rules.max_choices is not None and n > rules.max_choices:
        most, over = rules.max_choices, n - rules.max_choices
        if design == "ranking":
            problems.general.append(ngettext(
                "You chose %(num)d ranked project; the most you can choose is %(most)d. "
                "Remove %(over)d.",
                "You chose %(num)d ranked projects; the most you can choose is %(most)d. "
                "Remove %(over)d.", n, most=most, over=over))
        else:
            problems.general.append(ngettext(
                "You chose %(num)d project; the most you can choose is %(most)d. "
                "Remove %(over)d.",
                "You chose %(num)d projects; the most you can choose is %(most)d. "
                "Remove %(over)d.", n, most=most, over=over))


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
            money = {"spent": format_pence(spent, whole=True),
                     "over": format_pence(spent - section.limit_pence, whole=True),
                     "limit": format_pence(section.limit_pence, whole=True)}
            if len(sections) == 1:
                problems.general.append(_(
                    "Your choices cost %(spent)s, %(over)s more than the %(limit)s you have. "
                    "Untick projects to bring the total down.", **money))
            else:
                problems.general.append(_(
                    "%(section)s: your choices cost %(spent)s, %(over)s more than the "
                    "%(limit)s you have. Untick projects to bring the total down.",
                    section=section.label, **money))
    if rules.min_budget_percent:
        needed = -(-limit_total * rules.min_budget_percent // 100)  # round up
        if spent_total < needed:
            problems.general.append(_(
                "Use at least %(percent)s%% of your budget (%(needed)s): your choices cost "
                "%(spent)s. Choose more projects.", percent=rules.min_budget_percent,
                needed=format_pence(needed, whole=True),
                spent=format_pence(spent_total, whole=True)))


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
        lines.append(_("Tick every project you would like to see funded."))
    elif design == "budget":
        if len(sections) == 1:
            lines.append(_("Choose projects whose costs add up to no more than %(limit)s.",
                           limit=format_pence(sections[0].limit_pence, whole=True)))
        else:
            lines.append(_("Choose projects; each part of the ballot has its own money: "
                           "%(parts)s.", parts="; ".join(
                               f"{s.label} {format_pence(s.limit_pence, whole=True)}"
                               for s in sections)))
        if rules.min_budget_percent:
            lines.append(_("Use at least %(percent)s%% of your budget.",
                           percent=rules.min_budget_percent))
    elif design == "points":
        if rules.points_per_project_max:
            lines.append(_("Share up to %(points)s points among the projects you like, at "
                           "most %(cap)s on any one project.", points=rules.total_points,
                           cap=rules.points_per_project_max))
        else:
            lines.append(_("Share up to %(points)s points among the projects you like.",
                           points=rules.total_points))
    elif design == "scores":
        lines.append(_("Give each project a score from 0 (do not fund) to %(top)s (fund it "
                       "first). Leave a project empty to give it 0.", top=SCORE_MAX))
    elif design == "ranking":
        lines.append(ngettext("Put up to %(num)d project in order, your favourite first.",
                              "Put up to %(num)d projects in order, your favourite first.",
                              rules.ranks))
    if rules.fewest > 1 and design != "ranking":
        lines.append(_("Choose at least %(fewest)s projects.", fewest=rules.fewest))
    if rules.max_choices is not None and design in ("approval", "budget", "points"):
        lines.append(ngettext("Choose at most %(num)d project.",
                              "Choose at most %(num)d projects.", rules.max_choices))
    lines.append(_("Projects are listed in a random order, different for each voter."))
    return lines


def _int(raw) -> int | None:
    try:
        return int(str(raw).strip())
    except (TypeError, ValueError):
        return None
