"""What a decision day prints: voting cards with a QR code, and A4 paper ballots.

Codes are made through ``pb.voting.services.generate_codes`` (a batch per print run,
once per form) and shown only in the browser that made them, for a couple of hours,
as with any sheet of codes. The QR code opens the round's voting page; the code itself
is typed there and never put in a URL (a URL ends up in histories and logs).
"""

from __future__ import annotations

from dataclasses import dataclass

import segno
from flask import url_for
from flask_babel import gettext as _

from pb.errors import NotAllowed
from pb.events import EventError
from pb.events.setup import in_scope
from pb.models import Event, User, VotingCodeBatch
from pb.policy import can_issue_codes, can_work_event
from pb.voting.code_batches import sheet as code_sheet
from pb.voting.designs import Rules, Section, describe_rules
from pb.voting.services import generate_codes

KINDS = {"cards": "voting cards", "papers": "paper ballots"}  # batch labels, kept in English


def qr_data_uri(text: str) -> str:
    """A QR code of ``text`` as an SVG data URI (an <img> the CSP allows; works offline)."""
    return segno.make(text, error="m").svg_data_uri(scale=4, border=2)


def vote_url(event: Event) -> str:
    return url_for("voting.vote", round_id=event.round_id, _external=True)


def make_batch(actor: User, event: Event, kind: str, count: int,
               submission: str) -> VotingCodeBatch:
    if not (can_work_event(actor, event) and can_issue_codes(actor, event.round)):
        raise NotAllowed(_("Only staff on duty at this event can print codes for it."))
    if kind not in KINDS:
        raise EventError(_("Choose voting cards or paper ballots."), field="kind")
    if kind == "papers" and not event.uses_paper:
        raise EventError(_("This event does not use paper ballots: tick paper in its set-up."))
    batch, _made = generate_codes(actor, event.round, f"{event.name}: {count} {KINDS[kind]}",
                                  count, submission)
    return batch


def sheet(batch: VotingCodeBatch, key: str | None) -> list[str] | None:
    return code_sheet(batch, key)


@dataclass
class BlankPaper:
    """A printed ballot: the event's projects by number, and the round's instructions."""

    projects: list  # EventProject rows in number order, still on the ballot
    rules: list[str]
    sections_note: str | None


def blank_paper(event: Event) -> BlankPaper:
    round_ = event.round
    on_ballot = {p.id for p in in_scope(event)}
    projects = sorted((ep for ep in event.projects if ep.proposal_id in on_ballot),
                      key=lambda ep: ep.number)
    rules = Rules.of_round(round_)
    budget = round_.budget_pence * (round_.ballot_budget_percent or 100) // 100
    if event.ward_id is not None and round_.has_ward_budgets:
        budget = (round_.ward_budget_for(event.ward_id) or 0) * (
            round_.ballot_budget_percent or 100) // 100 + round_.area_wide_budget_pence
    lines = describe_rules(rules, [Section("all", _("Your budget"), budget)])
    lines = [line for line in lines if not line.startswith("Projects are listed in a random")]
    note = None
    if round_.has_ward_budgets and event.ward_id is None:
        note = (_("Choose only from your own ward's projects and the ones for the whole area: "
                "choices for other wards' projects do not count."))
    return BlankPaper(projects, lines, note)
