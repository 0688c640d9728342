"""Reading proposals: single loads, supports, lists for a person, browsing and filters.

Nothing here changes the database. Lists that pages show many of at once come with
a counting query (``support_counts``) so that a page never asks once per proposal.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import func, or_, select
from sqlalchemy.orm import selectinload

from pb import policy
from pb.extensions import db
from pb.loaders import MAX_ID, get_or_none
from pb.models import Organisation, OrganisationMember, Round, Theme, Ward
from pb.models.proposal import (
    PROPOSAL_STATUSES,
    Proposal,
    ProposalDocument,
    ProposalSupport,
)
from pb.money import MoneyError, parse_pounds
from pb.proposals.markup import clean

# Statuses a proposal can be merged into (a live proposal that is not a draft).
MERGEABLE = ("submitted", "under_review", "needs_changes", "eligible", "shortlisted")


def get_proposal(proposal_id: int | None) -> Proposal | None:
    return get_or_none(Proposal, proposal_id)


def get_document(proposal: Proposal, document_id: int) -> ProposalDocument | None:
    """One of ``proposal``'s files, or None (a file of another proposal is not found)."""
    document = get_or_none(ProposalDocument, document_id)
    return document if document is not None and document.proposal_id == proposal.id else None


# Supports --------------------------------------------------------------------------------------

def support_count(proposal: Proposal) -> int:
    return db.session.scalar(select(func.count()).select_from(ProposalSupport).where(
        ProposalSupport.proposal_id == proposal.id)) or 0


def support_counts(proposal_ids) -> dict[int, int]:
    """Supports for many proposals in one query (0 for those with none)."""
    ids = list(proposal_ids)
    if not ids:
        return {}
    rows = db.session.execute(
        select(ProposalSupport.proposal_id, func.count()).where(
            ProposalSupport.proposal_id.in_(ids)).group_by(ProposalSupport.proposal_id))
    counts = dict.fromkeys(ids, 0)
    counts.update({pid: n for pid, n in rows})  # noqa: C416 (rows is a Result, not pairs)
    return counts


def has_supported(proposal: Proposal, user) -> bool:
    if not policy.is_signed_in(user):
        return False
    return db.session.scalar(select(ProposalSupport.id).where(
        ProposalSupport.proposal_id == proposal.id,
        ProposalSupport.user_id == user.id)) is not None


# Lists -----------------------------------------------------------------------------------------

def organisations_for(user) -> list[Organisation]:
    """The organisations a resident may propose on behalf of."""
    return list(db.session.scalars(
        select(Organisation).join(OrganisationMember).where(
            OrganisationMember.user_id == user.id).order_by(Organisation.name)))


def all_organisations() -> list[Organisation]:
    return list(db.session.scalars(select(Organisation).order_by(Organisation.name)))


def all_themes() -> list[Theme]:
    return list(db.session.scalars(select(Theme).order_by(Theme.name)))


def proposals_of(user) -> list[Proposal]:
    """What ``user`` put forward, or typed in from paper, newest first."""
    return list(db.session.scalars(
        select(Proposal).where(or_(Proposal.proposer_id == user.id,
                                   Proposal.entered_on_behalf_by_id == user.id))
        .order_by(Proposal.created_at.desc())))


def has_proposals_in(user, round_: Round) -> bool:
    return db.session.scalar(select(Proposal.id).where(
        Proposal.round_id == round_.id,
        or_(Proposal.proposer_id == user.id, Proposal.entered_on_behalf_by_id == user.id))
        .limit(1)) is not None


def merge_targets(proposal: Proposal) -> list[Proposal]:
    """The proposals of the same round that ``proposal`` could be merged into."""
    return list(db.session.scalars(select(Proposal).where(
        Proposal.round_id == proposal.round_id, Proposal.id != proposal.id,
        Proposal.status.in_(MERGEABLE)).order_by(Proposal.title)))


def new_submissions(since: datetime, until: datetime) -> list[Proposal]:
    """Proposals submitted in [since, until), grouped by round (for the officers' digest)."""
    return list(db.session.scalars(
        select(Proposal).where(Proposal.submitted_at >= since, Proposal.submitted_at < until,
                               Proposal.status != "draft")
        .order_by(Proposal.round_id, Proposal.submitted_at)))


# Browsing --------------------------------------------------------------------------------------

SORTS = {
    "newest": _l("Newest first"),
    "oldest": _l("Oldest first"),
    "cost_low": _l("Cost: lowest first"),
    "cost_high": _l("Cost: highest first"),
    "supports": _l("Most supported"),
    "title": _l("Title A to Z"),
}
# The public list hides these unless asked for by status.
HIDDEN_BY_DEFAULT = ("merged", "withdrawn")


@dataclass
class Filters:
    """What a browse or review list is narrowed to, as read from its query string."""

    ward_id: int | None = None
    theme_id: int | None = None
    min_text: str = ""
    max_text: str = ""
    min_pence: int | None = None
    max_pence: int | None = None
    status: str = ""
    q: str = ""
    sort: str = "newest"
    page: int = 1
    errors: dict[str, str] = field(default_factory=dict)

    def as_args(self, **override) -> dict:
        """The query string for these filters (defaults left out), for links."""
        args = {"ward": self.ward_id or "", "theme": self.theme_id or "",
                "min": self.min_text, "max": self.max_text, "status": self.status,
                "q": self.q, "sort": self.sort, "page": self.page}
        args.update(override)
        return {k: v for k, v in args.items() if v not in ("", None) and
                not (k == "page" and v == 1) and not (k == "sort" and v == "newest")}


def _int_arg(value) -> int | None:
    try:
        number = int(value)
    except (TypeError, ValueError):
        return None
    return number if 0 < number <= MAX_ID else None


def parse_filters(args, statuses) -> Filters:
    """Read the browse filters from a query string, ignoring anything not on the lists."""
    filters = Filters(ward_id=_int_arg(args.get("ward")), theme_id=_int_arg(args.get("theme")),
                      q=clean(args.get("q"))[:100],
                      status=args.get("status") if args.get("status") in statuses else "",
                      sort=args.get("sort") if args.get("sort") in SORTS else "newest",
                      page=min(_int_arg(args.get("page")) or 1, 10_000))
    for name, attr in (("min", "min_pence"), ("max", "max_pence")):
        text = clean(args.get(name))[:20]
        setattr(filters, f"{name}_text", text)
        if text:
            try:
                pence = parse_pounds(text)
            except MoneyError:
                filters.errors[name] = _("Enter an amount in pounds, for example 2,500.")
                continue
            if pence < 0:
                filters.errors[name] = _("Enter an amount of £0 or more.")
                continue
            setattr(filters, attr, min(pence, MAX_ID))
    if filters.min_pence is not None and filters.max_pence is not None \
            and filters.min_pence > filters.max_pence:
        filters.errors["max"] = _("Enter a highest cost that is not below the lowest cost.")
        filters.max_pence = None
    return filters


def _support_count_expr():
    return (select(func.count(ProposalSupport.id))
            .where(ProposalSupport.proposal_id == Proposal.id)
            .correlate(Proposal).scalar_subquery())


def _ordering(sort: str):
    return {
        "newest": (Proposal.submitted_at.desc(), Proposal.id.desc()),
        "oldest": (Proposal.submitted_at.asc(), Proposal.id.asc()),
        "cost_low": (Proposal.cost_pence.asc(), Proposal.id.asc()),
        "cost_high": (Proposal.cost_pence.desc(), Proposal.id.asc()),
        "supports": (_support_count_expr().desc(), Proposal.id.asc()),
        "title": (func.lower(Proposal.title).asc(), Proposal.id.asc()),
    }[sort]


def browse_query(round_: Round, filters: Filters, statuses=None):
    """The round's proposals narrowed by ``filters`` (never drafts), in the chosen order."""
    query = select(Proposal).where(Proposal.round_id == round_.id)
    if filters.status:
        query = query.where(Proposal.status == filters.status)
    else:
        allowed = [s for s in (statuses or PROPOSAL_STATUSES)
                   if s != "draft" and s not in HIDDEN_BY_DEFAULT]
        query = query.where(Proposal.status.in_(allowed))
    if filters.ward_id:
        query = query.where(or_(Proposal.wards.any(Ward.id == filters.ward_id),
                                Proposal.is_area_wide.is_(True)))
    if filters.theme_id:
        query = query.where(Proposal.themes.any(Theme.id == filters.theme_id))
    if filters.min_pence is not None:
        query = query.where(Proposal.cost_pence >= filters.min_pence)
    if filters.max_pence is not None:
        query = query.where(Proposal.cost_pence <= filters.max_pence)
    if filters.q:
        query = query.where(or_(Proposal.title.icontains(filters.q, autoescape=True),
                                Proposal.summary.icontains(filters.q, autoescape=True)))
    return query.order_by(*_ordering(filters.sort))


# What a card in the list shows: loaded for the whole page in one query each, never one
# query per proposal (issue 15: the list cost 44 queries on a city round).
CARD = (selectinload(Proposal.wards), selectinload(Proposal.themes),
        selectinload(Proposal.organisation), selectinload(Proposal.proposer))


def status_counts(round_: Round, include_drafts: bool = False) -> dict[str, int]:
    rows = dict(db.session.execute(
        select(Proposal.status, func.count()).where(Proposal.round_id == round_.id)
        .group_by(Proposal.status)).all())
    return {s: rows.get(s, 0) for s in PROPOSAL_STATUSES
            if include_drafts or s != "draft"}
