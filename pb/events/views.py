"""Decision-day pages: setting an event up (details, agenda, staff, tablets, printing).

The desk, the tablets, paper entry and the live screen hang on this blueprint from
``desk_views``, ``kiosk_views``, ``paper_views`` and ``live_views``.
"""

from __future__ import annotations

import time

from flask import Blueprint, abort, flash, redirect, render_template, request, session, url_for
from flask_babel import gettext as _
from flask_babel import ngettext
from flask_login import current_user

from pb import links, submissions
from pb.errors import DomainError
from pb.events import devices, printing, queries, setup
from pb.events.forms import DeviceForm, EventForm, PrintForm, StaffForm, local_to_utc, uk_date
from pb.forms import apply_errors
from pb.htmx import is_htmx, render_page_or_fragment
from pb.loaders import get_or_none, set_up_event_or_404, visible_round_or_404, worked_event_or_404
from pb.models import Event, Round, VotingCodeBatch
from pb.policy import can_set_up_event, can_work_event, is_on_duty, require, role_required
from pb.templating import local_time

bp = Blueprint("events", __name__)

NO_STORE = {"Cache-Control": "no-store"}
SHEETS = "pb_event_sheets"  # session: {batch id: [form key, made at, kind]}
SHEET_HOURS = 2


@links.staff
def _event_links(round_, user):
    if can_set_up_event(user, round_) or is_on_duty(user, round_):
        yield (_("Decision days"), url_for("events.round_events", round_id=round_.id))


def actor():
    return current_user._get_current_object()


# Events of a round ------------------------------------------------------------------------

@bp.route("/rounds/<int:round_id>/events")
@role_required()
def round_events(round_id: int):
    round_ = visible_round_or_404(round_id)
    events = [e for e in queries.events_of(round_) if can_work_event(current_user, e)]
    require(can_set_up_event(current_user, round_) or bool(events))
    return render_template("events/list.html", round=round_, events=events,
                           summaries={e.id: queries.summary(e) for e in events},
                           can_set_up=can_set_up_event(current_user, round_))


def _ward_choices(round_: Round) -> list[tuple[int, str]]:
    return [(0, _("The whole round (%(area)s)", area=round_.area.name))] + [
        (w.id, _("%(ward)s only", ward=w.name)) for w in round_.area.wards]


def _details(form: EventForm) -> setup.EventDetails:
    day = form.day.date
    return setup.EventDetails(
        name=form.name.data.strip(), venue=form.venue.data.strip(),
        starts_at=local_to_utc(day, form.starts.time), ends_at=local_to_utc(day, form.ends.time),
        ward_id=form.ward_id.data or None, accessibility=(form.accessibility.data or "").strip(),
        contact=(form.contact.data or "").strip(), uses_tablets=form.uses_tablets.data,
        uses_paper=form.uses_paper.data, pitch_minutes=form.pitch_minutes.data)


def _fill(form: EventForm, event: Event) -> None:
    starts, ends = local_time(event.starts_at), local_time(event.ends_at)
    form.name.data, form.venue.data = event.name, event.venue
    form.ward_id.data = event.ward_id or 0
    form.day.data = uk_date(starts)
    form.starts.data, form.ends.data = starts.strftime("%H:%M"), ends.strftime("%H:%M")
    form.accessibility.data, form.contact.data = event.accessibility, event.contact
    form.uses_tablets.data, form.uses_paper.data = event.uses_tablets, event.uses_paper
    form.pitch_minutes.data, form.version.data = event.pitch_minutes, str(event.version)


def _save(form: EventForm, round_: Round, event: Event | None):
    if not form.validate_on_submit():
        return None
    try:
        if event is None:
            return setup.create_event(actor(), round_, _details(form))
        raw = (form.version.data or "")[:9]
        version = int(raw) if raw.isascii() and raw.isdigit() else None
        return setup.update_event(actor(), event, _details(form), version)
    except DomainError as exc:
        apply_errors(form, exc)
        if exc.status == 409 and event is not None:
            form.version.data = str(event.version)
        return None


@bp.route("/rounds/<int:round_id>/events/new", methods=["GET", "POST"])
@bp.route("/events/<int:event_id>/edit", methods=["GET", "POST"])
@role_required()
def event_form(round_id: int | None = None, event_id: int | None = None):
    event = set_up_event_or_404(event_id) if event_id else None
    round_ = event.round if event else visible_round_or_404(round_id)
    require(can_set_up_event(current_user, round_))
    form = EventForm()
    form.ward_id.choices = _ward_choices(round_)
    if request.method == "GET":
        if event is not None:
            _fill(form, event)
        else:
            form.uses_tablets.data = form.uses_paper.data = True
            form.contact.data = round_.partnership.contact_email or ""
    saved = _save(form, round_, event)
    if saved is not None:
        flash(_("Saved %(name)s.", name=saved.name), "success")
        return redirect(url_for("events.event_page", event_id=saved.id), code=303)
    return render_template("events/form.html", round=round_, event=event, form=form), \
        400 if request.method == "POST" else 200


@bp.route("/events/<int:event_id>")
@role_required()
def event_page(event_id: int):
    event = worked_event_or_404(event_id)
    staff_form = StaffForm()
    staff_form.user_id.choices = [(u.id, f"{u.display_name} ({u.email})")
                                  for u in setup.staff_choices(event)]
    device_form = DeviceForm(formdata=None)
    device_form.submission.data = submissions.new_key()
    print_form = PrintForm(formdata=None)
    print_form.submission.data = submissions.new_key()
    return render_template("events/event.html", event=event, round=event.round,
                           summary=queries.summary(event), staff_form=staff_form,
                           device_form=device_form, print_form=print_form,
                           can_set_up=can_set_up_event(current_user, event.round),
                           in_scope=len(setup.in_scope(event))), 200, NO_STORE


# The agenda ---------------------------------------------------------------------------------

@bp.route("/events/<int:event_id>/agenda/<int:item_id>/move", methods=["POST"])
@role_required()
def move_pitch(event_id: int, item_id: int):
    event = set_up_event_or_404(event_id)
    setup.move_pitch(actor(), event, item_id, request.form.get("direction", ""))
    if is_htmx():
        return render_page_or_fragment("events/event.html", "events/_agenda.html", event=event,
                                       can_set_up=True, moved=item_id)
    return redirect(url_for("events.event_page", event_id=event.id, _anchor="agenda"), code=303)


@bp.route("/events/<int:event_id>/agenda/refresh", methods=["POST"])
@role_required()
def refresh_projects(event_id: int):
    event = set_up_event_or_404(event_id)
    added = setup.refresh_projects(actor(), event)
    flash(ngettext("Added %(num)d project newly on the ballot to the agenda.",
                   "Added %(num)d projects newly on the ballot to the agenda.", added) if added else
          _("Every project on the ballot is already on the agenda."), "success")
    return redirect(url_for("events.event_page", event_id=event.id, _anchor="agenda"), code=303)


# Staff on duty -------------------------------------------------------------------------------

@bp.route("/events/<int:event_id>/staff", methods=["POST"])
@role_required()
def add_staff(event_id: int):
    event = set_up_event_or_404(event_id)
    form = StaffForm()
    try:
        setup.add_staff(actor(), event, form.user_id.data if form.validate_on_submit() else None)
    except DomainError as exc:
        flash(exc.message, "error")
    else:
        flash(_("Added to the staff on duty: they can now check people in, key paper ballots "
              "and see turnout for this round."), "success")
    return redirect(url_for("events.event_page", event_id=event.id, _anchor="staff"), code=303)


@bp.route("/events/<int:event_id>/staff/<int:staff_id>/remove", methods=["POST"])
@role_required()
def remove_staff(event_id: int, staff_id: int):
    event = set_up_event_or_404(event_id)
    setup.remove_staff(actor(), event, staff_id)
    flash(_("Taken off duty at this event."), "success")
    return redirect(url_for("events.event_page", event_id=event.id, _anchor="staff"), code=303)


# Tablets ---------------------------------------------------------------------------------------

@bp.route("/events/<int:event_id>/devices", methods=["POST"])
@role_required()
def add_device(event_id: int):
    """The one-time enrolment link, shown on this response (a resent form shows the same)."""
    event = set_up_event_or_404(event_id)
    form = DeviceForm()
    if not form.validate_on_submit():
        flash(" ".join(str(m) for ms in form.errors.values() for m in ms), "error")
        return redirect(url_for("events.event_page", event_id=event.id, _anchor="tablets"),
                        code=303)
    device, token = devices.new_device(actor(), event, form.name.data, form.submission.data)
    link = url_for("events.enrol", token=token, _external=True)
    return render_template("events/device_link.html", event=event, device=device, link=link,
                           qr=printing.qr_data_uri(link), minutes=devices.LINK_MINUTES), \
        200, NO_STORE


@bp.route("/events/<int:event_id>/devices/<int:device_id>/revoke", methods=["POST"])
@role_required()
def revoke_device(event_id: int, device_id: int):
    event = set_up_event_or_404(event_id)
    device = devices.revoke(actor(), event, device_id)
    flash(_("%(name)s is switched off: it can no longer take votes.", name=device.name),
          "success")
    return redirect(url_for("events.event_page", event_id=event.id, _anchor="tablets"), code=303)


# Printing codes: cards and paper ballots ----------------------------------------------------

def _sheets() -> dict:
    kept = session.get(SHEETS)
    now = time.time()
    return {k: v for k, v in (kept.items() if isinstance(kept, dict) else [])
            if isinstance(v, list) and len(v) == 3 and now - v[1] < SHEET_HOURS * 3600}


@bp.route("/events/<int:event_id>/print", methods=["POST"])
@role_required()
def make_print(event_id: int):
    event = worked_event_or_404(event_id)
    form = PrintForm()
    if not form.validate_on_submit():
        flash(" ".join(str(m) for ms in form.errors.values() for m in ms), "error")
        return redirect(url_for("events.event_page", event_id=event.id, _anchor="print"),
                        code=303)
    try:
        batch = printing.make_batch(actor(), event, form.kind.data, form.count.data,
                                    form.submission.data)
    except DomainError as exc:
        flash(exc.message, "error")
        return redirect(url_for("events.event_page", event_id=event.id, _anchor="print"),
                        code=303)
    sheets = _sheets()
    sheets[str(batch.id)] = [form.submission.data, time.time(), form.kind.data]
    session[SHEETS] = sheets
    return redirect(url_for("events.print_sheet", event_id=event.id, batch_id=batch.id),
                    code=303)


@bp.route("/events/<int:event_id>/print/<int:batch_id>")
@role_required()
def print_sheet(event_id: int, batch_id: int):
    event = worked_event_or_404(event_id)
    batch = get_or_none(VotingCodeBatch, batch_id)
    if batch is None or batch.round_id != event.round_id:
        abort(404)
    key, _at, kind = _sheets().get(str(batch.id), [None, 0, "cards"])
    plain = printing.sheet(batch, key)
    if plain is None:
        return render_template("events/sheet_gone.html", event=event, batch=batch,
                               hours=SHEET_HOURS), 410, NO_STORE
    return render_template(f"events/print_{kind}.html", event=event, round=event.round,
                           batch=batch, codes=plain, vote_url=printing.vote_url(event),
                           qr=printing.qr_data_uri(printing.vote_url(event)),
                           paper=printing.blank_paper(event) if kind == "papers" else None,
                           ), 200, NO_STORE


from pb.events import desk_views, kiosk_views, live_views, paper_views  # noqa: E402,F401
