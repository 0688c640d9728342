"""Officers' voting pages: batches of voting codes with their printable sheet, and turnout.

Making codes follows post/redirect/get: the form makes the batch (once per form, see
``code_batches``) and redirects to the sheet, a page of its own that can be refreshed
and printed in the browser that made it, for ``SHEET_HOURS``.
"""

from __future__ import annotations

import time

from flask import abort, flash, redirect, render_template, session, url_for
from flask_babel import gettext as _
from flask_login import current_user

from pb import submissions
from pb.extensions import db
from pb.forms import apply_errors
from pb.loaders import managed_round_or_404
from pb.models import Round
from pb.models.voting import VotingCodeBatch
from pb.policy import can_see_turnout, require, role_required
from pb.voting import VotingError, services
from pb.voting.code_batches import sheet
from pb.voting.forms import CodeBatchForm
from pb.voting.views import NO_STORE, bp

SHEETS = "pb_code_sheets"  # session: {batch id: [form key, made at]}
SHEET_HOURS = 2


def _sheets() -> dict:
    kept = session.get(SHEETS)
    now = time.time()
    return {k: v for k, v in (kept.items() if isinstance(kept, dict) else [])
            if isinstance(v, list) and len(v) == 2 and now - v[1] < SHEET_HOURS * 3600}


@bp.route("/rounds/<int:round_id>/codes", methods=["GET", "POST"])
@role_required()
def code_batches(round_id: int):
    round_ = managed_round_or_404(round_id)
    form = CodeBatchForm()
    status = 200
    if form.validate_on_submit():
        try:
            batch, made = services.generate_codes(current_user._get_current_object(), round_,
                                                  form.label.data, form.count.data,
                                                  form.submission.data)
        except VotingError as exc:
            apply_errors(form, exc)
        else:
            sheets = _sheets()
            sheets[str(batch.id)] = [form.submission.data, time.time()]
            session[SHEETS] = sheets
            if not made:
                flash(_("That form had already made this batch, so no new codes were made."),
                      "info")
            return redirect(url_for("voting.code_sheet", round_id=round_.id,
                                    batch_id=batch.id), code=303)
    if form.is_submitted():
        status = 400
    form.submission.data = submissions.new_key()  # a fresh key for the next batch
    return render_template("voting/codes.html", round=round_, form=form,
                           batches=services.code_batches(round_),
                           sheets=set(_sheets())), status, NO_STORE


@bp.route("/rounds/<int:round_id>/codes/<int:batch_id>/sheet")
@role_required()
def code_sheet(round_id: int, batch_id: int):
    round_ = managed_round_or_404(round_id)
    batch = db.get_or_404(VotingCodeBatch, batch_id)
    if batch.round_id != round_.id:
        abort(404)
    key = _sheets().get(str(batch.id), [None])[0]
    plain = sheet(batch, key)
    if plain is None:
        return render_template("voting/sheet_gone.html", round=round_, batch=batch,
                               hours=SHEET_HOURS), 410, NO_STORE
    return render_template("voting/code_sheet.html", round=round_, batch=batch,
                           codes=plain, hours=SHEET_HOURS), 200, NO_STORE


@bp.route("/rounds/<int:round_id>/codes/<int:batch_id>/forget", methods=["POST"])
@role_required()
def forget_sheet(round_id: int, batch_id: int):
    """The sheet is printed: this browser forgets how to show it again."""
    round_ = managed_round_or_404(round_id)
    sheets = _sheets()
    sheets.pop(str(batch_id), None)
    session[SHEETS] = sheets
    flash(_("This browser can no longer show that sheet of codes."), "success")
    return redirect(url_for("voting.code_batches", round_id=round_.id), code=303)


@bp.route("/rounds/<int:round_id>/turnout")
@role_required()
def turnout(round_id: int):
    round_ = db.get_or_404(Round, round_id)
    require(can_see_turnout(current_user, round_))
    return render_template("voting/turnout.html", round=round_, turnout=services.turnout(round_))
