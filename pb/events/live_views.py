"""The live screen (public), the reveal, close-and-count, and the event report (page, CSV)."""

from __future__ import annotations

import csv
import io

from flask import Response, abort, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user

from pb.auth.forms import ConfirmForm
from pb.errors import DomainError
from pb.events import live, queries, reconciliation
from pb.events.forms import WaiverForm
from pb.events.views import NO_STORE, actor, bp
from pb.forms import apply_errors
from pb.htmx import render_page_or_fragment
from pb.loaders import event_or_404, set_up_event_or_404
from pb.policy import can_manage_round, can_see_event_report, role_required
from pb.results import services as results


@bp.route("/events/<int:event_id>/live")
def live_screen(event_id: int):
    """For a projector: public, counts only, and the certified result once revealed."""
    event = event_or_404(event_id)
    response = render_page_or_fragment("events/live.html", "events/_live.html", event=event,
                                       round=event.round, screen=live.screen(event),
                                       poll=live.POLL_SECONDS)
    response.headers["Cache-Control"] = "no-store"
    return response


@bp.route("/events/<int:event_id>/live/totals", methods=["POST"])
@role_required()
def live_totals(event_id: int):
    event = set_up_event_or_404(event_id)
    if ConfirmForm().validate_on_submit():
        hide = not event.totals_hidden
        live.set_totals_hidden(actor(), event, hide)
        flash(_("Running totals are hidden on the live screen until the reveal.") if hide else
              _("Running totals are shown on the live screen."), "success")
    return redirect(url_for("events.close_page", event_id=event.id), code=303)


@bp.route("/events/<int:event_id>/live/reveal", methods=["POST"])
@role_required()
def live_reveal(event_id: int):
    event = set_up_event_or_404(event_id)
    if ConfirmForm().validate_on_submit():
        try:
            live.reveal(actor(), event)
        except DomainError as exc:
            flash(exc.message, "error")
        else:
            flash(_("The live screen is revealing the funded projects."), "success")
    return redirect(url_for("events.close_page", event_id=event.id), code=303)


def _close(event, waiver_form, status=200):
    round_ = event.round
    totals = reconciliation.pending(round_)
    return render_template(
        "events/close.html", event=event, round=round_, pending=totals,
        pending_text=reconciliation.describe(totals), waiver=reconciliation.latest_waiver(round_),
        waiver_form=waiver_form, confirm=ConfirmForm(), result=results.result_for(round_),
        summary=queries.summary(event)), status, NO_STORE


@bp.route("/events/<int:event_id>/close")
@role_required()
def close_page(event_id: int):
    """Officers: close voting, see paper reconciliation, count, certify and reveal."""
    return _close(set_up_event_or_404(event_id), WaiverForm(formdata=None))


@bp.route("/events/<int:event_id>/close/waiver", methods=["POST"])
@role_required()
def record_waiver(event_id: int):
    event = set_up_event_or_404(event_id)
    form = WaiverForm()
    if not form.validate_on_submit():
        return _close(event, form, 400)
    try:
        reconciliation.record_waiver(actor(), event.round, form.reason.data)
    except DomainError as exc:
        apply_errors(form, exc)
        return _close(event, form, exc.status)
    flash(_("Your reason is recorded: the count can now run with these papers pending."),
          "success")
    return redirect(url_for("events.close_page", event_id=event.id), code=303)


def _report(event):
    if not can_see_event_report(current_user, event):
        abort(404 if not current_user.is_authenticated else 403)
    result = results.result_for(event.round)
    rows = []
    if result is not None and (result.is_certified or can_manage_round(current_user,
                                                                       event.round)):
        rows = [r for r in results.result_rows(result, event.round) if r["selected"]]
    return {"summary": queries.summary(event), "attendance": queries.attendance(event),
            "figures": reconciliation.figures(event), "result": result, "funded": rows}


@bp.route("/events/<int:event_id>/report")
def report(event_id: int):
    event = event_or_404(event_id)
    return render_template("events/report.html", event=event, round=event.round,
                           **_report(event)), 200, NO_STORE


@bp.route("/events/<int:event_id>/report.csv")
def report_csv(event_id: int):
    event = event_or_404(event_id)
    data = _report(event)
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(["section", "item", "value"])
    writer.writerow(["event", "name", event.name])
    writer.writerow(["event", "date", data["summary"]["date"]])
    writer.writerow(["attendance", "checked in", data["attendance"]["total"]])
    for ward, n in data["attendance"]["by_ward"]:
        writer.writerow(["attendance by ward", ward, n])
    for band, n in data["attendance"]["by_age"]:
        writer.writerow(["attendance by age band", band, n])
    for channel, n in data["summary"]["votes_by_channel"].items():
        writer.writerow(["votes by channel", channel, n])
    for key in ("received", "entered", "matched", "spoilt", "keyed_once", "queue"):
        writer.writerow(["paper ballots", key.replace("_", " "), data["figures"][key]])
    for row in data["funded"]:
        writer.writerow(["funded" if data["result"].is_certified else "provisionally funded",
                         row["title"], f"{row['cost'] / 100:.2f}"])
    return Response(out.getvalue(), mimetype="text/csv", headers={
        "Content-Disposition": f'attachment; filename="event-{event.id}-report.csv"',
        **NO_STORE})
