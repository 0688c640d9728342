"""Adding ward leftovers carried over from an earlier round to this round's budget:
a page that shows what will change, and its confirmation (pb.results.carry_over).

Routes hang on the admin blueprint (imported at the end of ``pb.admin.views``).
"""

from __future__ import annotations

from flask import flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from pb import submissions
from pb.admin.views import bp
from pb.errors import DomainError
from pb.events.forms import KeyedForm
from pb.loaders import managed_round_or_404
from pb.money import format_pence
from pb.policy import role_required
from pb.results import carry_over


def _page(round_, form, *, error: str | None = None, status: int = 200):
    owed = [(carry, carry_over.waiting_reason(round_, carry))
            for carry in carry_over.owed_to(round_)]
    ready = sum(carry.amount_pence for carry, waiting in owed if waiting is None)
    return render_template(
        "admin/carry_over.html", round=round_, form=form, error=error, owed=owed,
        ready_pence=ready, added=carry_over.added_to(round_),
        locked=round_.voting_has_opened), status


@bp.route("/rounds/<int:round_id>/carry-over", methods=["GET", "POST"])
@role_required()
def carry_over_page(round_id: int):
    round_ = managed_round_or_404(round_id)
    form = KeyedForm()
    if request.method == "GET":
        form.submission.data = submissions.new_key()
        return _page(round_, form)
    if not form.validate_on_submit():
        return _page(round_, form, error=_("This form is out of date. Reload the page and try "
                                         "again."), status=400)
    try:
        added = carry_over.add_to_round(round_, current_user._get_current_object(),
                                        submission=form.submission.data)
    except DomainError as exc:
        form.submission.data = submissions.new_key()
        return _page(round_, form, error=exc.message, status=exc.status)
    if added:
        total = sum(carry.amount_pence for carry in added)
        flash(_("Added %(amount)s carried over from earlier rounds to %(round)s's ward budgets.",
                amount=format_pence(total, whole=True), round=round_.name), "success")
    return redirect(url_for("admin.carry_over_page", round_id=round_.id), code=303)
