"""Putting a proposal forward and changing it: new (online or from paper), edit,
submit, withdraw, remove a file, and the form's running budget total.
"""

from __future__ import annotations

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user, login_required

from pb import policy
from pb.errors import NotAllowed
from pb.forms import apply_errors
from pb.loaders import proposal_or_404, visible_round_or_404
from pb.money import MoneyError, parse_pounds
from pb.proposals import bp, queries, review, services
from pb.proposals.forms import (
    BUDGET_ROWS,
    PaperProposalForm,
    ProposalForm,
    WithdrawForm,
    initial_data,
)
from pb.proposals.services import ProposalError
from pb.proposals.validation import budget_problem, validate_input


def _apply_errors(form, errors) -> str | None:
    """Put service errors next to their fields; returns the budget table's error, if any."""
    return apply_errors(form, errors, set_aside=("budget",)).get("budget")


def _form_problems(form, round_, proposer, paper: bool) -> str | None:
    """After the form's own checks failed: add the service's checks on the fields the
    form found nothing wrong with, so every problem shows at once. Returns the budget
    table's error."""
    problems = validate_input(round_, proposer, form.to_input(), paper=paper)
    return _apply_errors(form, {k: v for k, v in problems.items()
                                if not getattr(getattr(form, k, None), "errors", None)})


def _render_form(form, round_, *, proposal=None, paper=False, budget_error=None,
                 mode="proposer", status=200):
    total = sum(p for _line, p in form.budget_lines())
    return render_template("proposals/form.html", form=form, round=round_,
                           proposal=proposal, paper=paper, budget_error=budget_error,
                           mode=mode, total=total), status


_CREATED = {
    (False, False): _l("Your draft is saved. Submit it before the deadline."),
    (True, False): _l("Your proposal has been submitted. We have emailed you a confirmation."),
    (True, True): _l("The paper proposal has been entered and submitted."),
}


def _create(round_id: int, paper: bool):
    round_ = visible_round_or_404(round_id)
    if paper and not policy.can_enter_paper_proposal(current_user, round_):
        raise NotAllowed(_("Only the partnership's officers and event staff can enter paper "
                           "proposals."))
    form = PaperProposalForm() if paper else ProposalForm()
    form.set_choices(round_, current_user)
    form.ensure_key()
    if request.method == "GET":
        if not paper and not round_.accepting_proposals:
            flash(_("This round is not taking proposals now."), "error")
            return redirect(url_for("main.round_detail", round_id=round_.id))
        return _render_form(form, round_, paper=paper)
    submit = request.form.get("action") == "submit" or paper
    if not form.validate_on_submit():
        budget_error = _form_problems(form, round_, current_user, paper)
        return _render_form(form, round_, paper=paper, budget_error=budget_error, status=400)
    try:
        proposal, created = services.create_proposal(
            round_, current_user, form.to_input(), idempotency_key=form.idempotency_key.data,
            submit=submit, paper=paper)
    except ProposalError as exc:
        budget_error = _apply_errors(form, exc)
        return _render_form(form, round_, paper=paper, budget_error=budget_error, status=400)
    if created:
        flash(str(_CREATED[(submit, paper)]), "success")
    return redirect(url_for("proposals.detail", proposal_id=proposal.id), code=303)


@bp.route("/rounds/<int:round_id>/proposals/new", methods=["GET", "POST"])
@login_required
def new(round_id: int):
    return _create(round_id, paper=False)


@bp.route("/rounds/<int:round_id>/proposals/paper", methods=["GET", "POST"])
@login_required
def new_paper(round_id: int):
    return _create(round_id, paper=True)


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
            problem = _("Row %(row)s: enter an amount in pounds, for example 250.00.",
                        row=index + 1)
    if problem is None and total:
        problem = budget_problem(round_, [("", total)], [], False)
    return render_template("proposals/_total.html", round=round_, total=total,
                           problem=problem)


@bp.route("/proposals/<int:proposal_id>/edit", methods=["GET", "POST"])
@login_required
def edit(proposal_id: int):
    proposal = proposal_or_404(proposal_id)
    round_ = proposal.round
    try:
        mode = services.edit_mode(proposal, current_user)
    except ProposalError as exc:
        flash(exc.message, "error")
        return redirect(url_for("proposals.detail", proposal_id=proposal.id))
    paper = proposal.is_paper
    form_class = PaperProposalForm if paper else ProposalForm
    form = form_class(data=initial_data(proposal)) if request.method == "GET" else form_class()
    proposer = proposal.proposer or current_user
    form.set_choices(round_, proposer)
    page = {"proposal": proposal, "paper": paper, "mode": mode}
    if request.method == "GET":
        return _render_form(form, round_, **page)
    if not form.validate_on_submit():
        budget_error = _form_problems(form, round_, proposer, paper)
        return _render_form(form, round_, budget_error=budget_error, status=400, **page)
    try:
        services.update_proposal(proposal, current_user, form.to_input(),
                                 reason=form.reason.data or "")
    except ProposalError as exc:
        budget_error = _apply_errors(form, exc)
        return _render_form(form, round_, budget_error=budget_error, status=400, **page)
    if request.form.get("action") == "submit" and proposal.status in ("draft",
                                                                       "needs_changes"):
        return submit(proposal.id)
    flash(_("Your changes are saved."), "success")
    return redirect(url_for("proposals.detail", proposal_id=proposal.id), code=303)


@bp.route("/proposals/<int:proposal_id>/submit", methods=["POST"])
@login_required
def submit(proposal_id: int):
    proposal = proposal_or_404(proposal_id)
    try:
        services.submit_proposal(proposal, current_user)
    except ProposalError as exc:
        flash(exc.message, "error")
        return redirect(url_for("proposals.detail", proposal_id=proposal.id), code=303)
    flash(_("Your proposal has been submitted. We have emailed you a confirmation."),
          "success")
    return redirect(url_for("proposals.detail", proposal_id=proposal.id), code=303)


@bp.route("/proposals/<int:proposal_id>/withdraw", methods=["GET", "POST"])
@login_required
def withdraw(proposal_id: int):
    proposal = proposal_or_404(proposal_id)
    is_officer = policy.can_review_proposals(current_user, proposal.round)
    if not (is_officer or policy.is_proposer_of(current_user, proposal)):
        raise NotAllowed(_("Only the proposer and the partnership's officers can withdraw "
                           "this proposal."))
    form = WithdrawForm()
    status = 200
    if form.validate_on_submit():
        try:
            review.withdraw(proposal, current_user, form.reason.data or "")
        except ProposalError as exc:
            _apply_errors(form, exc)
            status = 400
        else:
            flash(_("The proposal has been withdrawn."), "success")
            return redirect(url_for("proposals.detail", proposal_id=proposal.id), code=303)
    elif request.method == "POST":
        status = 400
    return render_template("proposals/withdraw.html", form=form, proposal=proposal,
                           is_officer=is_officer), status


@bp.route("/proposals/<int:proposal_id>/files/<int:document_id>/remove", methods=["POST"])
@login_required
def remove_file(proposal_id: int, document_id: int):
    proposal = proposal_or_404(proposal_id)
    document = queries.get_document(proposal, document_id)
    if document is None:
        abort(404)
    try:
        services.remove_document(proposal, document, current_user,
                                 request.form.get("reason", ""))
    except ProposalError as exc:
        flash(exc.message, "error")
    else:
        flash(_("The file has been removed."), "success")
    return redirect(url_for("proposals.detail", proposal_id=proposal.id), code=303)
