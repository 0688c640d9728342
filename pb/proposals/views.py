"""Proposal pages: browse, submit, edit, review, support, files, and the officers' digest.

Views are thin: they parse the request, call ``pb.proposals.services`` and render.
"""

from __future__ import annotations

from flask import (
    Blueprint,
    abort,
    current_app,
    flash,
    redirect,
    render_template,
    request,
    send_file,
    url_for,
)
from flask_login import current_user, login_required
from werkzeug.datastructures import FileStorage

from pb import links, policy
from pb.extensions import db
from pb.forms import apply_errors
from pb.htmx import is_htmx, render_page_or_fragment
from pb.loaders import proposal_or_404, visible_round_or_404
from pb.models.base import utcnow
from pb.models.proposal import (
    ON_BALLOT,
    PROPOSAL_STATUSES,
    PUBLIC_STATUSES,
    Proposal,
)
from pb.money import MoneyError, format_pence, parse_pounds, pence_to_pounds_text
from pb.proposals import markup, services, uploads
from pb.proposals.forms import (
    BUDGET_ROWS,
    MergeForm,
    PaperProposalForm,
    ProposalForm,
    ReviewForm,
    WithdrawForm,
    choices,
)

bp = Blueprint("proposals", __name__)


@bp.context_processor
def _template_helpers():
    return {"services_actions": services.actions_for}


# Links on the round page and the staff dashboard ---------------------------------------------

@links.public
def _public_links(round_, user):
    if round_.status not in ("draft", "upcoming"):
        yield ("Browse proposals", url_for("proposals.browse", round_id=round_.id))
    if round_.accepting_proposals:
        yield ("Put forward a proposal", url_for("proposals.new", round_id=round_.id))
    if policy.is_signed_in(user) and services.has_proposals_in(user, round_):
        yield ("Your proposals", url_for("proposals.mine"))


@links.staff
def _staff_links(round_, user):
    if policy.can_review_proposals(user, round_):
        yield ("Review proposals", url_for("proposals.review_list", round_id=round_.id))
    if policy.can_enter_paper_proposal(user, round_) and round_.status in ("proposals",
                                                                           "review"):
        yield ("Enter a paper proposal", url_for("proposals.new_paper", round_id=round_.id))


# Helpers ---------------------------------------------------------------------------------------

def _apply_errors(form, errors) -> str | None:
    """Put service errors next to their fields; returns the budget table's error, if any."""
    return apply_errors(form, errors, set_aside=("budget",)).get("budget")


def _file(field) -> FileStorage | None:
    data = field.data
    if isinstance(data, FileStorage) and data.filename:
        return data
    return None


def _input_from(form, paper: bool) -> services.ProposalInput:
    area_wide = form.where.data == "area"
    return services.ProposalInput(
        title=form.title.data or "", summary=form.summary.data or "",
        description=form.description.data or "", area_wide=area_wide,
        ward_ids=[] if area_wide else list(form.wards.data or []),
        theme_ids=list(form.themes.data or []), outcomes=list(form.outcomes.data or []),
        outcomes_other=form.outcomes_other.data or "", delivered_by=form.delivered_by.data or "",
        organisation_id=form.organisation_id.data or None, lines=form.budget_lines(),
        paper_name=(form.paper_name.data or "") if paper else "",
        paper_contact=(form.paper_contact.data or "") if paper else "",
        image=_file(form.image), document=_file(form.document))


def _choices(form, round_, user, paper: bool) -> None:
    orgs = services.all_organisations() if paper else services.organisations_for(user)
    mine = "No organisation (a resident)" if paper else "Myself, as a resident"
    form.organisation_id.choices = choices([(0, mine)] + [(o.id, o.name) for o in orgs])
    form.wards.choices = choices((w.id, w.name) for w in round_.area.wards)
    form.themes.choices = choices((t.id, t.name) for t in services.all_themes())


def _initial(proposal: Proposal) -> dict:
    lines = [{"description": line.description,
              "amount": pence_to_pounds_text(line.amount_pence)}
             for line in proposal.budget_lines]
    lines += [{"description": "", "amount": ""}] * (BUDGET_ROWS - len(lines))
    return {
        "title": proposal.title, "summary": proposal.summary,
        "description": proposal.description,
        "organisation_id": proposal.organisation_id or 0,
        "where": "area" if proposal.is_area_wide else "wards",
        "wards": [w.id for w in proposal.wards], "themes": [t.id for t in proposal.themes],
        "outcomes": proposal.outcomes, "outcomes_other": proposal.outcomes_other,
        "delivered_by": proposal.delivered_by, "lines": lines[:BUDGET_ROWS],
        "paper_name": proposal.paper_proposer_name,
        "paper_contact": proposal.paper_proposer_contact,
    }


def _render_form(form, round_, *, proposal=None, paper=False, budget_error=None,
                 mode="proposer", status=200):
    total = sum(p for _, p in form.budget_lines())
    return render_template("proposals/form.html", form=form, round=round_,
                           proposal=proposal, paper=paper, budget_error=budget_error,
                           mode=mode, total=total), status


def _create(round_id: int, paper: bool):
    round_ = visible_round_or_404(round_id)
    form_class = PaperProposalForm if paper else ProposalForm
    if paper:
        policy.require(policy.can_enter_paper_proposal(current_user, round_))
    form = form_class()
    _choices(form, round_, current_user, paper)
    form.ensure_key()
    if request.method == "GET":
        if not paper and not round_.accepting_proposals:
            flash("This round is not taking proposals now.", "error")
            return redirect(url_for("main.round_detail", round_id=round_.id))
        return _render_form(form, round_, paper=paper)
    submit = request.form.get("action") == "submit" or paper
    data = _input_from(form, paper)
    if not form.validate_on_submit():
        problems = services.validate_input(round_, current_user, data, paper=paper)
        budget_error = _apply_errors(form, {k: v for k, v in problems.items()
                                            if not getattr(getattr(form, k, None), "errors",
                                                           None)})
        return _render_form(form, round_, paper=paper, budget_error=budget_error, status=400)
    try:
        proposal, created = services.create_proposal(
            round_, current_user, data, idempotency_key=form.idempotency_key.data,
            submit=submit, paper=paper)
    except services.ProposalError as exc:
        budget_error = _apply_errors(form, exc.errors)
        return _render_form(form, round_, paper=paper, budget_error=budget_error, status=400)
    if created:
        flash("Your proposal has been submitted. We have emailed you a confirmation."
              if submit and not paper else
              "The paper proposal has been entered and submitted." if paper else
              "Your draft is saved. Submit it before the deadline.", "success")
    return redirect(url_for("proposals.detail", proposal_id=proposal.id), code=303)


# Browsing --------------------------------------------------------------------------------------

@bp.route("/rounds/<int:round_id>/proposals")
def browse(round_id: int):
    """The public list: filters, search, sort and pages; htmx gets only the results."""
    round_ = visible_round_or_404(round_id)
    filters = services.parse_filters(request.args, PUBLIC_STATUSES)
    page = db.paginate(services.browse_query(round_, filters), page=filters.page,
                       per_page=current_app.config["PAGE_SIZE"], error_out=False)
    counts = services.support_counts(p.id for p in page.items)
    return render_page_or_fragment(
        "proposals/browse.html", "proposals/_results.html", round=round_, filters=filters,
        results=page, counts=counts, sorts=services.SORTS,
        statuses={s: PROPOSAL_STATUSES[s] for s in PUBLIC_STATUSES},
        themes=services.all_themes(), status_counts=services.status_counts(round_))


@bp.route("/rounds/<int:round_id>/proposals/budget-total")
def budget_total(round_id: int):
    """The running total of the budget lines (an htmx helper for the form)."""
    round_ = visible_round_or_404(round_id)
    total, problem = 0, None
    for index in range(BUDGET_ROWS):
        text = (request.args.get(f"lines-{index}-amount") or "").strip()
        if not text:
            continue
        try:
            total += max(parse_pounds(text), 0)
        except MoneyError:
            problem = f"Row {index + 1}: enter an amount in pounds, for example 250.00."
    if problem is None and total:
        problem = services.budget_problem(round_, [("", total)], [], False)
    return render_template("proposals/_total.html", round=round_, total=total,
                           problem=problem)


@bp.route("/proposals/<int:proposal_id>")
def detail(proposal_id: int):
    proposal = proposal_or_404(proposal_id)
    round_ = proposal.round
    return render_template(
        "proposals/detail.html", proposal=proposal, round=round_,
        description=markup.safe_html(proposal.description_html),
        supports=services.support_count(proposal),
        supported=services.has_supported(proposal, current_user),
        history=services.history(proposal), cost_history=services.cost_history(proposal),
        merged_in=services.merged_into_this(proposal),
        is_proposer=policy.is_proposer_of(current_user, proposal),
        is_officer=policy.can_review_proposals(current_user, round_),
        can_edit=_can_edit(proposal), result=_result_for(proposal),
        supportable=(round_.accepting_proposals
                     and proposal.status in services.SUPPORTABLE),
        proposer_may_edit=services.proposer_may_edit(proposal))


def _can_edit(proposal) -> bool:
    try:
        services.edit_mode(proposal, current_user)
    except Exception:  # noqa: BLE001 - Forbidden or ProposalError: no edit link
        return False
    return True


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
    return render_template("proposals/mine.html",
                           proposals=services.proposals_of(current_user))


# Submitting and editing ------------------------------------------------------------------------

@bp.route("/rounds/<int:round_id>/proposals/new", methods=["GET", "POST"])
@login_required
def new(round_id: int):
    return _create(round_id, paper=False)


@bp.route("/rounds/<int:round_id>/proposals/paper", methods=["GET", "POST"])
@login_required
def new_paper(round_id: int):
    return _create(round_id, paper=True)


@bp.route("/proposals/<int:proposal_id>/edit", methods=["GET", "POST"])
@login_required
def edit(proposal_id: int):
    proposal = proposal_or_404(proposal_id)
    round_ = proposal.round
    try:
        mode = services.edit_mode(proposal, current_user)
    except services.ProposalError as exc:
        flash(str(exc), "error")
        return redirect(url_for("proposals.detail", proposal_id=proposal.id))
    paper = proposal.is_paper
    form_class = PaperProposalForm if paper else ProposalForm
    form = form_class(data=_initial(proposal)) if request.method == "GET" else form_class()
    _choices(form, round_, proposal.proposer or current_user, paper)
    if request.method == "GET":
        return _render_form(form, round_, proposal=proposal, paper=paper, mode=mode)
    data = _input_from(form, paper)
    if not form.validate_on_submit():
        problems = services.validate_input(round_, proposal.proposer or current_user, data,
                                           paper=paper)
        budget_error = _apply_errors(form, {k: v for k, v in problems.items()
                                            if not getattr(getattr(form, k, None), "errors",
                                                           None)})
        return _render_form(form, round_, proposal=proposal, paper=paper, mode=mode,
                            budget_error=budget_error, status=400)
    try:
        services.update_proposal(proposal, current_user, data, reason=form.reason.data or "")
    except services.ProposalError as exc:
        db.session.rollback()
        budget_error = _apply_errors(form, exc.errors)
        return _render_form(form, round_, proposal=proposal, paper=paper, mode=mode,
                            budget_error=budget_error, status=400)
    if request.form.get("action") == "submit" and proposal.status in ("draft",
                                                                       "needs_changes"):
        return submit(proposal.id)
    flash("Your changes are saved.", "success")
    return redirect(url_for("proposals.detail", proposal_id=proposal.id), code=303)


@bp.route("/proposals/<int:proposal_id>/submit", methods=["POST"])
@login_required
def submit(proposal_id: int):
    proposal = proposal_or_404(proposal_id)
    try:
        services.submit_proposal(proposal, current_user)
    except services.ProposalError as exc:
        flash(str(exc), "error")
        return redirect(url_for("proposals.detail", proposal_id=proposal.id), code=303)
    flash("Your proposal has been submitted. We have emailed you a confirmation.", "success")
    return redirect(url_for("proposals.detail", proposal_id=proposal.id), code=303)


@bp.route("/proposals/<int:proposal_id>/withdraw", methods=["GET", "POST"])
@login_required
def withdraw(proposal_id: int):
    proposal = proposal_or_404(proposal_id)
    if not (policy.is_proposer_of(current_user, proposal)
            or policy.can_review_proposals(current_user, proposal.round)):
        abort(403)
    form = WithdrawForm()
    status = 200
    if form.validate_on_submit():
        try:
            services.withdraw(proposal, current_user, form.reason.data or "")
        except services.ProposalError as exc:
            _apply_errors(form, exc.errors)
            status = 400
        else:
            flash("The proposal has been withdrawn.", "success")
            return redirect(url_for("proposals.detail", proposal_id=proposal.id), code=303)
    elif request.method == "POST":
        status = 400
    return render_template("proposals/withdraw.html", form=form, proposal=proposal,
                           is_officer=policy.can_review_proposals(current_user,
                                                                  proposal.round)), status


@bp.route("/proposals/<int:proposal_id>/files/<int:document_id>/remove", methods=["POST"])
@login_required
def remove_file(proposal_id: int, document_id: int):
    proposal = proposal_or_404(proposal_id)
    document = services.get_document(proposal, document_id)
    if document is None:
        abort(404)
    try:
        services.remove_document(proposal, document, current_user,
                                 request.form.get("reason", ""))
    except services.ProposalError as exc:
        flash(str(exc), "error")
    else:
        flash("The file has been removed.", "success")
    return redirect(url_for("proposals.detail", proposal_id=proposal.id), code=303)


@bp.route("/proposals/<int:proposal_id>/files/<int:document_id>")
def file(proposal_id: int, document_id: int):
    """Serve an upload after checking again that the viewer may see the proposal."""
    proposal = proposal_or_404(proposal_id)
    document = services.get_document(proposal, document_id)
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
    proposal = proposal_or_404(proposal_id)
    error = None
    try:
        (services.support if add else services.unsupport)(proposal, current_user)
    except services.ProposalError as exc:
        error = str(exc)
    if is_htmx():
        return render_template("proposals/_support.html", proposal=proposal, error=error,
                               supports=services.support_count(proposal),
                               supported=services.has_supported(proposal, current_user),
                               supportable=True)
    if error:
        flash(error, "error")
    else:
        flash("Thank you for your support." if add else "Your support has been removed.",
              "success")
    return redirect(url_for("proposals.detail", proposal_id=proposal.id), code=303)


# Review ----------------------------------------------------------------------------------------

@bp.route("/rounds/<int:round_id>/proposals/review")
@login_required
def review_list(round_id: int):
    """The officers' review screen: every submitted proposal with filters and counts."""
    round_ = visible_round_or_404(round_id)
    policy.require(policy.can_review_proposals(current_user, round_))
    return _render_review(round_, request.args)


def _render_review(round_, args, errors: dict | None = None, status: int = 200):
    statuses = [s for s in PROPOSAL_STATUSES if s != "draft"]
    filters = services.parse_filters(args, statuses)
    if not args.get("sort"):
        filters.sort = "oldest"
    query = services.browse_query(round_, filters, statuses=statuses)
    proposals = db.session.scalars(query).all()
    response = render_page_or_fragment(
        "proposals/review.html", "proposals/_review_table.html", round=round_,
        proposals=proposals, filters=filters,
        counts=services.support_counts(p.id for p in proposals),
        status_counts=services.status_counts(round_, include_drafts=True),
        statuses={s: PROPOSAL_STATUSES[s] for s in statuses}, errors=errors or {})
    response.status_code = status
    return response


@bp.route("/proposals/<int:proposal_id>/review", methods=["POST"])
@login_required
def review(proposal_id: int):
    """One review decision; htmx gets the updated row back, others the review screen."""
    proposal = proposal_or_404(proposal_id)
    round_ = proposal.round
    policy.require(policy.can_review_proposals(current_user, round_))
    form = ReviewForm()
    form.action.choices = choices((key, a.label) for key, a in services.REVIEW_ACTIONS.items())
    error = None
    if not form.validate_on_submit():
        error = "Choose a decision."
    else:
        try:
            services.review(proposal, current_user, form.action.data, form.reason.data or "")
        except services.ProposalError as exc:
            db.session.rollback()
            error = " ".join(exc.errors.values())
    if is_htmx():
        # htmx swaps only 2xx responses, so an error comes back in the row with 200.
        return render_template("proposals/_review_row.html", proposal=proposal, round=round_,
                               count=services.support_count(proposal), error=error,
                               reason=form.reason.data if error else "")
    if error:
        # Without JavaScript: the review screen again, the message and the typed reason
        # in this proposal's row.
        return _render_review(round_, {}, {proposal.id: (error, form.reason.data or "")},
                              status=400)
    flash(f"“{proposal.title}” is now {proposal.status_label.lower()}.", "success")
    return redirect(url_for("proposals.review_list", round_id=round_.id), code=303)


@bp.route("/proposals/<int:proposal_id>/merge", methods=["GET", "POST"])
@login_required
def merge(proposal_id: int):
    proposal = proposal_or_404(proposal_id)
    policy.require(policy.can_review_proposals(current_user, proposal.round))
    form = MergeForm()
    form.target_id.choices = choices([(0, "Choose a proposal")] + [
        (p.id, f"{p.title} (#{p.id}, {format_pence(p.cost_pence)})")
        for p in services.merge_targets(proposal)])
    status = 200
    if request.method == "POST":
        form.validate_on_submit()
        try:
            target = services.get_proposal(form.target_id.data or 0)
            services.merge(proposal, target, current_user, form.reason.data or "")
        except services.ProposalError as exc:
            db.session.rollback()
            form.target_id.errors = []
            form.reason.errors = []
            _apply_errors(form, exc.errors)
            status = 400
        else:
            flash(f"“{proposal.title}” has been merged into “{target.title}”.", "success")
            return redirect(url_for("proposals.detail", proposal_id=target.id), code=303)
    return render_template("proposals/merge.html", form=form, proposal=proposal), status
