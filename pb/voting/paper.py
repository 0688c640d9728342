"""What one voter's ballot paper holds: the projects in their order, and the money per section.

Ward ballots show the voter's own ward (from their postcode), and, by the round's
setting, the area-wide projects or one other ward of their choice. Each voter sees the
projects in their own stable random order, so ballot position favours no project.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from flask_babel import gettext as _
from sqlalchemy import select
from sqlalchemy.orm import defer, joinedload, selectinload

from pb.extensions import db
from pb.models import Proposal, Round, Ward
from pb.models.proposal import ON_BALLOT
from pb.voting import codes
from pb.voting.designs import PaperProject, Rules, Section
from pb.voting.identity import Identity


@dataclass
class Paper:
    """What one voter sees: the projects in their own random order, and the money per section."""

    round: Round
    rules: Rules
    projects: list[PaperProject]
    proposals: dict[int, Proposal]
    sections: list[Section]
    other_wards: list[Ward] = field(default_factory=list)  # own_ward_and_one_other choices
    other_ward_id: int | None = None
    own_ward: Ward | None = None

    @property
    def ids(self) -> set[int]:
        return {p.id for p in self.projects}


def ballot_proposals(round_: Round, *, with_themes: bool = False,
                     lean: bool = False) -> list[Proposal]:
    """The projects on the round's ballot, with their wards in the same query (a ballot
    POST reads them once: issue 15) and themes, if asked, in one more, never one per
    project. ``lean`` leaves out the long texts the ballot paper never shows (read on
    first use if something does)."""
    query = select(Proposal).where(Proposal.round_id == round_.id,
                                   Proposal.status.in_(ON_BALLOT)).order_by(Proposal.id)
    if lean:
        query = query.options(defer(Proposal.description), defer(Proposal.description_html),
                              defer(Proposal.status_reason))
    query = query.options(joinedload(Proposal.wards))  # most have one ward: few extra rows
    if with_themes:
        query = query.options(selectinload(Proposal.themes))
    return list(db.session.scalars(query).unique())


def _ward_ids(proposal: Proposal) -> set[int]:
    return {w.id for w in proposal.wards}


def is_area_wide(proposal: Proposal) -> bool:
    return bool(proposal.is_area_wide or not proposal.wards)


def build_paper(round_: Round, identity: Identity, other_ward_id: int | None = None) -> Paper:
    rules = Rules.of_round(round_)
    proposals = ballot_proposals(round_, lean=True)
    percent = round_.ballot_budget_percent or 100
    own = db.session.get(Ward, identity.ward_id) if identity.ward_id else None
    other_wards: list[Ward] = []
    sections: list[Section] = []
    chosen: list[tuple[Proposal, str]] = []
    if round_.has_ward_budgets:
        budgeted = {wb.ward_id: wb for wb in round_.ward_budgets}
        wards_shown = [own.id] if own is not None else []
        if round_.ward_ballot == "own_ward_and_one_other":
            other_wards = [wb.ward for wb in sorted(round_.ward_budgets, key=lambda w: w.ward.name)
                           if own is None or wb.ward_id != own.id]
            if other_ward_id not in {w.id for w in other_wards}:
                other_ward_id = None
            if other_ward_id:
                wards_shown.append(other_ward_id)
        else:
            other_ward_id = None
        for ward_id in wards_shown:
            if ward_id not in budgeted:
                continue
            ward = budgeted[ward_id].ward
            sections.append(Section(f"ward-{ward_id}", _("%(ward)s projects", ward=ward.name),
                                    budgeted[ward_id].budget_pence * percent // 100))
            chosen += [(p, f"ward-{ward_id}") for p in proposals
                       if not is_area_wide(p) and ward_id in _ward_ids(p)
                       and p not in [c[0] for c in chosen]]
        if round_.ward_ballot == "own_ward_and_area" or own is None:
            area_wide = [p for p in proposals if is_area_wide(p)]
            if area_wide:
                sections.append(Section("area", _("Projects for the whole of %(area)s",
                                                          area=round_.area.name),
                                        round_.area_wide_budget_pence * percent // 100))
                chosen += [(p, "area") for p in area_wide]
    else:
        sections.append(Section("all", _("Your budget"), round_.budget_pence * percent // 100))
        chosen = [(p, "all") for p in proposals]
    chosen.sort(key=lambda pair: codes.order_key(identity.key, pair[0].id))
    return Paper(round_, rules,
                 [PaperProject(p.id, p.title, p.cost_pence, key) for p, key in chosen],
                 {p.id: p for p, _key in chosen}, sections, other_wards, other_ward_id, own)


