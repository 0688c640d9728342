"""Paper ballots: the figures, papers received, fast keyboard entry, the reconciliation
queue, and the blank A4 ballot to print."""

from __future__ import annotations

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from sqlalchemy import select

from pb.errors import DomainError
from pb.events import paper, reconciliation
from pb.events.forms import PaperEntryForm, ReceivedForm, read_paper
from pb.events.printing import blank_paper
from pb.events.views import NO_STORE, actor, bp
from pb.extensions import db
from pb.forms import apply_errors
from pb.loaders import get_or_none, worked_event_or_404
from pb.models import PaperBallot
from pb.models.event import PAPER_QUEUE
from pb.policy import can_resolve_paper, role_required

OUTCOMES = {
    "first": _l("First entry saved. A different person must now key this paper a second time."),
    "already": _l("You had already keyed this paper: a different person must key it again."),
    "counted": _l("Second entry matches the first: the ballot is counted."),
    "queue": _l("The two entries disagree, so the paper has gone to the reconciliation queue. "
             "Put it on the queue pile: a third person will check it."),
    "spoilt": _l("Recorded as spoilt."),
}


def _numbers(event) -> dict[int, int]:
    return {ep.number: ep.proposal_id for ep in event.projects}


def _reading(event, form: PaperEntryForm):
    """The reading keyed (choices or spoilt), or the problems with it by field name."""
    if form.spoilt.data:
        return paper.Reading({}, form.spoilt_reason.data.strip()), {}
    round_ = event.round
    rank_length = round_.ballot_rank_length or 3
    choices, problems = read_paper(round_.ballot_design, rank_length, _numbers(event),
                                   request.form)
    return paper.Reading(choices), problems


def _entry_page(event, form, *, problems=None, status=200, target=None):
    blank = blank_paper(event)
    return render_template(
        "events/paper_enter.html", event=event, round=event.round, form=form, blank=blank,
        problems=problems or {}, target=target, values=request.form if status != 200 else {},
        ranks=range(1, (event.round.ballot_rank_length or 3) + 1),
        figures=reconciliation.figures(event)), status, NO_STORE


@bp.route("/events/<int:event_id>/paper")
@role_required()
def paper_page(event_id: int):
    event = worked_event_or_404(event_id)
    queue = db.session.scalars(select(PaperBallot).where(
        PaperBallot.event_id == event.id, PaperBallot.status == PAPER_QUEUE)
        .order_by(PaperBallot.updated_at)).all()
    return render_template("events/paper.html", event=event, round=event.round,
                           figures=reconciliation.figures(event), queue=queue,
                           received_form=ReceivedForm(formdata=None)), 200, NO_STORE


@bp.route("/events/<int:event_id>/paper/received", methods=["POST"])
@role_required()
def paper_received(event_id: int):
    event = worked_event_or_404(event_id)
    form = ReceivedForm()
    if form.validate_on_submit():
        try:
            total = paper.add_received(actor(), event, form.count.data)
        except DomainError as exc:
            flash(exc.message, "error")
        else:
            flash(_("Papers received so far: %(total)d.", total=total), "success")
    else:
        flash(" ".join(str(m) for ms in form.errors.values() for m in ms), "error")
    return redirect(url_for("events.paper_page", event_id=event.id), code=303)


@bp.route("/events/<int:event_id>/paper/enter", methods=["GET", "POST"])
@role_required()
def paper_enter(event_id: int):
    event = worked_event_or_404(event_id)
    form = PaperEntryForm()
    if not form.is_submitted():
        return _entry_page(event, PaperEntryForm(formdata=None))
    reading, problems = _reading(event, form)
    if not form.validate() or problems:
        return _entry_page(event, form, problems=problems, status=400)
    try:
        keyed = paper.enter(actor(), event, form.code.data, reading)
    except DomainError as exc:
        apply_errors(form, exc, set_aside=["choices"])
        return _entry_page(event, form, problems=exc.errors if exc.field == "choices" else {},
                           status=exc.status)
    flash(_("Paper …%(tail)s: %(outcome)s", tail=keyed.paper.code_tail,
            outcome=OUTCOMES[keyed.outcome]),
          "error" if keyed.outcome in ("queue", "already") else "success")
    return redirect(url_for("events.paper_enter", event_id=event.id), code=303)


@bp.route("/events/<int:event_id>/paper/<int:paper_id>", methods=["GET", "POST"])
@role_required()
def paper_resolve(event_id: int, paper_id: int):
    event = worked_event_or_404(event_id)
    target = get_or_none(PaperBallot, paper_id)
    if target is None or target.event_id != event.id:
        abort(404)
    if not can_resolve_paper(current_user, event, target):
        flash(_("You keyed this paper, so a third person must settle it."), "error")
        return redirect(url_for("events.paper_page", event_id=event.id), code=303)
    form = PaperEntryForm()
    if not form.is_submitted():
        return _entry_page(event, PaperEntryForm(formdata=None), target=target)
    reading, problems = _reading(event, form)
    form.code.data = form.code.data or "-"
    if problems or not form.validate():
        return _entry_page(event, form, problems=problems, status=400, target=target)
    try:
        paper.resolve(actor(), event, target, reading)
    except DomainError as exc:
        apply_errors(form, exc, set_aside=["choices"])
        return _entry_page(event, form, problems=exc.errors if exc.field == "choices" else {},
                           status=exc.status, target=target)
    flash(_("Paper …%(tail)s settled.", tail=target.code_tail), "success")
    return redirect(url_for("events.paper_page", event_id=event.id), code=303)


@bp.route("/events/<int:event_id>/paper/print")
@role_required()
def paper_print(event_id: int):
    """A blank A4 ballot with a box for the voter's code (print as many as needed)."""
    event = worked_event_or_404(event_id)
    return render_template("events/print_papers.html", event=event, round=event.round,
                           codes=[None], paper=blank_paper(event), batch=None), 200, NO_STORE
