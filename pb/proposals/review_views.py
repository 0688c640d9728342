"""The officers' review: the review screen, one decision at a time, and merging."""

from __future__ import annotations

from flask import flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from pb import policy
from pb.errors import NotAllowed
from pb.extensions import db
from pb.forms import apply_errors
from pb.htmx import is_htmx, render_page_or_fragment
from pb.i18n import words
from pb.loaders import proposal_or_404, visible_round_or_404
from pb.models.proposal import PROPOSAL_STATUSES
from pb.money import format_pence
from pb.proposals import bp, queries, review
from pb.proposals.forms import MergeForm, ReviewForm, choices
from pb.proposals.services import ProposalError

REVIEW_STATUSES = [s for s in PROPOSAL_STATUSES if s != "draft"]


@bp.context_processor
def _template_helpers():
    return {"review_actions": review.actions_for}


def _require_reviewer(round_) -> None:
    if not policy.can_review_proposals(current_user, round_):
        raise NotAllowed(_("Only the partnership's officers can review proposals."))


@bp.route("/rounds/<int:round_id>/proposals/review")
@login_required
def review_list(round_id: int):
    """The officers' review screen: every submitted proposal with filters and counts."""
    round_ = visible_round_or_404(round_id)
    _require_reviewer(round_)
    return _render_review(round_, request.args)


def _render_review(round_, args, errors: dict | None = None, status: int = 200):
    filters = queries.parse_filters(args, REVIEW_STATUSES)
    if not args.get("sort"):
        filters.sort = "oldest"
    query = queries.browse_query(round_, filters, statuses=REVIEW_STATUSES)
    proposals = db.session.scalars(query).all()
    response = render_page_or_fragment(
        "proposals/review.html", "proposals/_review_table.html", round=round_,
        proposals=proposals, filters=filters,
        counts=queries.support_counts(p.id for p in proposals),
        status_counts=queries.status_counts(round_, include_drafts=True),
        statuses={s: PROPOSAL_STATUSES[s] for s in REVIEW_STATUSES}, errors=errors or {})
    response.status_code = status
    return response


@bp.route("/proposals/<int:proposal_id>/review", methods=["POST"], endpoint="review")
@login_required
def review_decision(proposal_id: int):
    """One review decision; htmx gets the updated row back, others the review screen."""
    proposal = proposal_or_404(proposal_id)
    round_ = proposal.round
    _require_reviewer(round_)
    form = ReviewForm()
    form.action.choices = choices((key, a.label) for key, a in review.REVIEW_ACTIONS.items())
    error = None
    if not form.validate_on_submit():
        error = _("Choose a decision.")
    else:
        try:
            review.review(proposal, current_user, form.action.data, form.reason.data or "")
        except ProposalError as exc:
            error = " ".join(exc.errors.values())
    if is_htmx():
        # htmx swaps only 2xx responses, so an error comes back in the row with 200.
        row = render_template("proposals/_review_row.html", proposal=proposal, round=round_,
                              count=queries.support_count(proposal), error=error,
                              reason=form.reason.data if error else "")
        counts = render_template(
            "proposals/_review_counts.html", round=round_, oob=True,
            status_counts=queries.status_counts(round_, include_drafts=True),
            statuses={s: PROPOSAL_STATUSES[s] for s in REVIEW_STATUSES})
        # In a <template> so the table row before it parses as a row (htmx unwraps it).
        return f"{row}<template>{counts}</template>"
    if error:
        # Without JavaScript: the review screen again, the message and the typed reason
        # in this proposal's row.
        return _render_review(round_, {}, {proposal.id: (error, form.reason.data or "")},
                              status=400)
    flash(_("“%(title)s” is now %(status)s.", title=proposal.title,
            status=words(proposal.status_label).lower()), "success")
    return redirect(url_for("proposals.review_list", round_id=round_.id), code=303)


@bp.route("/proposals/<int:proposal_id>/merge", methods=["GET", "POST"])
@login_required
def merge(proposal_id: int):
    proposal = proposal_or_404(proposal_id)
    _require_reviewer(proposal.round)
    form = MergeForm()
    form.target_id.choices = choices([(0, _("Choose a proposal"))] + [
        (p.id, f"{p.title} (#{p.id}, {format_pence(p.cost_pence)})")
        for p in queries.merge_targets(proposal)])
    if request.method == "GET":
        return render_template("proposals/merge.html", form=form, proposal=proposal)
    form.validate_on_submit()
    target = queries.get_proposal(form.target_id.data or 0)
    try:
        review.merge(proposal, target, current_user, form.reason.data or "")
    except ProposalError as exc:
        # The service's messages replace the form's own, so each shows once.
        form.target_id.errors = []
        form.reason.errors = []
        apply_errors(form, exc)
        return render_template("proposals/merge.html", form=form, proposal=proposal), 400
    flash(_("“%(title)s” has been merged into “%(target)s”.", title=proposal.title,
            target=target.title), "success")
    return redirect(url_for("proposals.detail", proposal_id=target.id), code=303)
