"""Phase controls' pages: the round's phases, and a confirmation step for each action.

Routes hang on the admin blueprint (imported at the end of ``pb.admin.views``).
"""

from __future__ import annotations

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from wtforms import HiddenField
from wtforms.validators import Optional

from pb import links, submissions
from pb.admin import phases
from pb.admin.views import bp
from pb.errors import DomainError
from pb.events.forms import KeyedForm, TimeField, UKDateField, local_to_utc
from pb.forms import apply_errors
from pb.loaders import managed_round_or_404
from pb.models.base import utcnow
from pb.policy import can_manage_round, role_required


@links.staff
def _phase_links(round_, user):
    if can_manage_round(user, round_):
        yield (_("Phases"), url_for("admin.phases_page", round_id=round_.id))


class PhaseForm(KeyedForm):
    seen = HiddenField()
    close_day = UKDateField(_l("Voting closes on"), validators=[Optional()],
                            description=_l("Day first, for example 25/10/2025."))
    close_time = TimeField("at", validators=[Optional()],
                           description=_l("24-hour clock, for example 17:00."))


def _dates(round_):
    return [(label, getattr(round_, name)) for name, label in phases.DATE_LABELS.items()]


@bp.route("/rounds/<int:round_id>/phases")
@role_required()
def phases_page(round_id: int):
    round_ = managed_round_or_404(round_id)
    return render_template("admin/phases.html", round=round_, dates=_dates(round_),
                           actions=phases.actions_for(round_),
                           locked=phases.locked_settings(round_))


def _close_at(form: PhaseForm):
    if form.close_day.date and form.close_time.data and form.close_time.time:
        return local_to_utc(form.close_day.date, form.close_time.time)
    return None


def _confirm(round_, key, form, status=200):
    now = utcnow()
    return render_template("admin/phase_confirm.html", round=round_, key=key,
                           phase=phases.PHASES[key], form=form,
                           changes=phases.plan(round_, key, now),
                           labels=phases.DATE_LABELS,
                           needs_close=key == "open-voting"
                           and phases.needs_close_date(round_, now)), status


@bp.route("/rounds/<int:round_id>/phases/<key>", methods=["GET", "POST"])
@role_required()
def phase_action(round_id: int, key: str):
    round_ = managed_round_or_404(round_id)
    if key not in phases.PHASES:
        abort(404)
    form = PhaseForm()
    if request.method == "GET":
        form.submission.data, form.seen.data = submissions.new_key(), round_.status
        return _confirm(round_, key, form)
    if not form.validate_on_submit():
        return _confirm(round_, key, form, 400)
    try:
        phases.change_phase(current_user._get_current_object(), round_, key,
                            seen=form.seen.data or "", submission=form.submission.data,
                            close_at=_close_at(form))
    except DomainError as exc:
        apply_errors(form, exc)
        return _confirm(round_, key, form, exc.status)
    flash(str(phases.PHASES[key].done), "success")
    return redirect(url_for("admin.phases_page", round_id=round_.id), code=303)
