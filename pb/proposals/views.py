"""Proposal pages for everyone: browse, detail, "your proposals", files and supports.

Views are thin: they parse the request, call a use case or a query and render.
Submitting and editing are in ``edit_views``, the officers' review in ``review_views``;
importing this module registers all three on ``bp``.
"""

from __future__ import annotations

from flask import (
    abort,
    current_app,
    flash,
    redirect,
    render_template,
    request,
    send_file,
    url_for,
)
from flask_babel import gettext as _
from flask_login import current_user, login_required

from pb import links, policy
from pb.extensions import db
from pb.htmx import is_htmx, render_page_or_fragment
from pb.loaders import proposal_or_404, visible_round_or_404
from pb.models.base import utcnow
from pb.models.proposal import ON_BALLOT, PROPOSAL_STATUSES, PUBLIC_STATUSES
from pb.proposals import (
    bp,
    edit_views,
    history,
    markup,
    queries,
    review_views,
    supports,
    uploads,
)
from pb.proposals.services import ProposalError, may_edit, proposer_may_edit

__all__ = ["bp", "edit_views", "review_views"]  # importing them registers their routes


# Links on the round page and the staff dashboard ---------------------------------------------

@links.public
def _public_links(round_, user):
    if round_.status not in ("draft", "upcoming"):
        yield (_("Browse proposals"), url_for("proposals.browse", round_id=round_.id))
    if round_.accepting_proposals:
        yield (_("Put forward a proposal"), url_for("proposals.new", round_id=round_.id))
    if policy.is_signed_in(user) and queries.has_proposals_in(user, round_):
        yield (_("Your proposals"), url_for("proposals.mine"))


@links.staff
def _staff_links(round_, user):
    if policy.can_review_proposals(user, round_):
        yield (_("Review proposals"), url_for("proposals.review_list", round_id=round_.id))
    if policy.can_enter_paper_proposal(user, round_) and round_.status in ("proposals",
                                                                           "review"):
        yield (_("Enter a paper proposal"), url_for("proposals.new_paper", round_id=round_.id))


# Browsing --------------------------------------------------------------------------------------

@bp.route("/rounds/<int:round_id>/proposals")
def browse(round_id: int):
    """The public list: filters, search, sort and pages; htmx gets only the results."""
    round_ = visible_round_or_404(round_id)
    filters = queries.parse_filters(request.args, PUBLIC_STATUSES)
    page = db.paginate(queries.browse_query(round_, filters).options(*queries.CARD),
                       page=filters.page,
                       per_page=current_app.config["PAGE_SIZE"], error_out=False)
    counts = queries.support_counts(p.id for p in page.items)
    return render_page_or_fragment(
        "proposals/browse.html", "proposals/_results.html", round=round_, filters=filters,
        results=page, counts=counts, sorts=queries.SORTS,
        statuses={s: PROPOSAL_STATUSES[s] for s in PUBLIC_STATUSES},
        themes=queries.all_themes(), status_counts=queries.status_counts(round_))


@bp.route("/proposals/<int:proposal_id>")
def detail(proposal_id: int):
    proposal = proposal_or_404(proposal_id)
    round_ = proposal.round
    return render_template(
        "proposals/detail.html", proposal=proposal, round=round_,
        description=markup.safe_html(proposal.description_html),
        supports=queries.support_count(proposal),
        supported=queries.has_supported(proposal, current_user),
        history=history.history(proposal), cost_history=history.cost_history(proposal),
        merged_in=history.merged_into_this(proposal),
        is_proposer=policy.is_proposer_of(current_user, proposal),
        is_officer=policy.can_review_proposals(current_user, round_),
        can_edit=may_edit(proposal, current_user), result=_result_for(proposal),
        supportable=round_.accepting_proposals and proposal.status in supports.SUPPORTABLE,
        proposer_may_edit=proposer_may_edit(proposal))


def _result_for(proposal) -> dict | None:
    """The proposal's published result (funded or not, and why), once one exists."""
    round_ = proposal.round
    published = round_.results_published_at
    if proposal.status not in ON_BALLOT or published is None or published > utcnow():
        return None
    try:
        from pb.results import services as results_services

        result = results_services.result_for(round_)
        if result is None or not result.is_certified:
            return None
        entry = result.outcome.get("projects", {}).get(proposal.pb_id)
    except Exception:  # noqa: BLE001 - a results problem must not hide the proposal
        current_app.logger.exception("Could not read the result for proposal %s", proposal.id)
        return None
    if entry is None:
        return None
    funded = proposal.pb_id in result.selected
    explanation = entry.get("explanation", "")
    if result.override_reason and funded != bool(entry.get("selected")):
        explanation = (f"{explanation} The partnership changed the computed outcome: "
                       f"{result.override_reason}").strip()
    return {"selected": funded, "votes": entry.get("votes"), "explanation": explanation}


@bp.route("/proposals/mine")
@login_required
def mine():
    return render_template("proposals/mine.html", proposals=queries.proposals_of(current_user))


# Files -----------------------------------------------------------------------------------------

@bp.route("/proposals/<int:proposal_id>/files/<int:document_id>")
def file(proposal_id: int, document_id: int):
    """Serve an upload after checking again that the viewer may see the proposal."""
    proposal = proposal_or_404(proposal_id)
    document = queries.get_document(proposal, document_id)
    if document is None:
        abort(404)
    try:
        path = uploads.path_for(document.stored_name)
    except uploads.UploadError:
        abort(404)
    if not path.is_file():
        abort(404)
    inline = document.kind == "image"
    response = send_file(path, mimetype=document.content_type, as_attachment=not inline,
                         download_name=document.original_name, max_age=0)
    response.headers["X-Content-Type-Options"] = "nosniff"
    response.headers["Content-Security-Policy"] = "sandbox; default-src 'none'"
    response.headers["Cache-Control"] = "private, no-store"
    response.headers["Referrer-Policy"] = "no-referrer"
    return response


# Supports --------------------------------------------------------------------------------------

@bp.route("/proposals/<int:proposal_id>/support", methods=["POST"])
@login_required
def support(proposal_id: int):
    return _support(proposal_id, add=True)


@bp.route("/proposals/<int:proposal_id>/unsupport", methods=["POST"])
@login_required
def unsupport(proposal_id: int):
    return _support(proposal_id, add=False)


def _support(proposal_id: int, add: bool):
    """Support or take back a support; htmx gets the support box, others the page."""
    proposal = proposal_or_404(proposal_id)
    error = None
    try:
        (supports.support if add else supports.unsupport)(proposal, current_user)
    except ProposalError as exc:
        error = exc.message
    if is_htmx():
        return render_template("proposals/_support.html", proposal=proposal, error=error,
                               supports=queries.support_count(proposal),
                               supported=queries.has_supported(proposal, current_user),
                               supportable=True)
    if error:
        flash(error, "error")
    else:
        flash(_("Thank you for your support.") if add else _("Your support has been removed."),
              "success")
    return redirect(url_for("proposals.detail", proposal_id=proposal.id), code=303)


# The translations of proposals' fixed labels (status, outcomes) for the words filter.
from pb.proposals import words  # noqa: E402,F401
