"""Grant pages: the officer's desk, the grantee's home, the list, a grant, its agreement.

Views are thin: read the request, call a use case, render. A refused use case comes back
as the same page with the messages and the values as typed (``FormState``). The
blueprint's other pages live in ``money_views``, ``return_views`` and ``public_views``.
"""

from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import select

from pb import links, policy
from pb.errors import DomainError
from pb.extensions import db
from pb.forms import db_id
from pb.grants import agreements, closeout, handover, queries, rag
from pb.grants.common import today
from pb.grants.costbenefit import grant_savings
from pb.grants.figures import kpi_achieved, outcome_statuses, people_helped
from pb.grants.forms import FormState, choices
from pb.grants.tranches import condition_label, condition_met, money_for, payable
from pb.loaders import grant_or_404
from pb.models import Organisation, Programme, Role
from pb.money import pence_to_pounds_text
from pb.policy import role_required

bp = Blueprint("grants", __name__)
OFFICER_ROLES = (Role.GRANT_OFFICER, Role.SCRUTINY)


@bp.app_context_processor
def _grants_helpers():
    # For the round's results page: link each funded project to its progress page.
    return {"grant_progress_links": queries.progress_links}


@bp.app_template_filter("pounds_text")
def _pounds_text(pence):
    return pence_to_pounds_text(pence)


@bp.context_processor
def _choices():
    return {"choices": choices(), "policy": policy, "condition_label": condition_label,
            "condition_met": condition_met, "payable": payable}


@links.staff
def _staff_links(round_, user):
    if policy.can_manage_grants(user, round_.partnership_id) and round_.status == "results":
        yield (_("Grants"), url_for("grants.grant_list"))


def actor():
    return current_user._get_current_object()


def back_to_grant(grant, message: str):
    flash(message, "success")
    return redirect(url_for("grants.grant", grant_id=grant.id), code=303)


# Desks -------------------------------------------------------------------------------------------

@bp.route("/grants/")
@role_required(*OFFICER_ROLES, Role.GRANTEE)
def desk():
    if not policy.can_see_grant_desk(current_user):
        return redirect(url_for("grants.mine"))
    return render_template("grants/desk.html", desk=queries.desk(current_user),
                           programmes=queries.visible_programmes(current_user))


@bp.route("/grants/mine")
@role_required(Role.GRANTEE)
def mine():
    return render_template("grants/mine.html", rows=queries.grantee_home(current_user))


@bp.route("/grants/all")
@role_required(*OFFICER_ROLES)
def grant_list():
    policy.require(policy.can_see_grant_desk(current_user))
    programme_id = request.args.get("programme", type=db_id)
    status = request.args.get("status") or None
    rag_value = request.args.get("rag") or None
    rows = queries.grant_list(current_user, programme_id=programme_id, status=status,
                              rag_value=rag_value)
    return render_template("grants/list.html", rows=rows, programme_id=programme_id,
                           status=status, rag_value=rag_value,
                           programmes=queries.visible_programmes(current_user))


# A grant -----------------------------------------------------------------------------------------

def grant_page(grant, state: FormState | None = None, status: int = 200):
    return render_template(
        "grants/grant.html", grant=grant, state=state or FormState(), money=money_for(grant),
        rag=rag.assess(grant), rules=rag.RULES, rule_labels=rag.RULE_LABELS, achieved=kpi_achieved(grant),
        outcomes=outcome_statuses(grant), people=people_helped(grant),
        savings=grant_savings(grant), blockers=closeout.blockers(grant),
        may_manage=policy.can_manage_grant(current_user, grant),
        may_decide=policy.can_decide_on_grant(current_user, grant),
        may_release=policy.can_release_tranche(current_user, grant),
        is_grantee=policy.is_grantee_of(current_user, grant), today=today(),
        today_iso=today().isoformat()), status


def refused(grant, error: DomainError, name: str):
    """The grant page again, with the refused form's messages and values."""
    return grant_page(grant, FormState.posted(request.form, error, name), error.status)


@bp.route("/grants/<int:grant_id>")
@role_required()
def grant(grant_id: int):
    return grant_page(grant_or_404(grant_id))


@bp.route("/grants/<int:grant_id>/grantee", methods=["GET", "POST"])
@role_required(Role.GRANT_OFFICER)
def grantee(grant_id: int):
    grant = grant_or_404(grant_id)
    policy.require(policy.can_manage_grant(current_user, grant))
    state, status = FormState(values={"version": str(grant.version)}), 200
    if request.method == "POST":
        try:
            if request.form.get("action") == "register":
                handover.register_organisation(grant, actor(), request.form,
                                               request.form.get("version"))
            else:
                handover.choose_organisation(grant, actor(),
                                             request.form.get("organisation_id", type=db_id),
                                             request.form.get("version"))
            return back_to_grant(grant, _("The grantee is recorded."))
        except DomainError as exc:
            state = FormState.posted(request.form, exc, request.form.get("action", ""))
            status = exc.status
    organisations = db.session.scalars(select(Organisation).order_by(Organisation.name)).all()
    return render_template("grants/grantee.html", grant=grant, state=state,
                           organisations=organisations), status


@bp.route("/grants/<int:grant_id>/agreement", methods=["GET", "POST"])
@role_required()
def agreement(grant_id: int):
    grant = grant_or_404(grant_id)
    editing = policy.can_manage_grant(current_user, grant) and grant.status == "draft"
    if request.method == "GET":
        if editing:
            return _agreement_form(grant, FormState(agreements.form_values(grant)))
        return render_template("grants/agreement.html", grant=grant, state=FormState(
            values={"version": str(grant.version)}), money=money_for(grant))
    try:
        agreements.save(grant, actor(), request.form, issue=request.form.get("action") == "issue")
    except DomainError as exc:
        return _agreement_form(grant, FormState.posted(request.form, exc), exc.status)
    if grant.status == "offered":
        return back_to_grant(grant, _("The agreement has been offered to the grantee to "
                                      "accept."))
    return back_to_grant(grant, _("The agreement is saved."))


def _agreement_form(grant, state, status=200):
    programmes = db.session.scalars(select(Programme).where(
        Programme.partnership_id == grant.partnership_id).order_by(Programme.name)).all()
    chosen = next((p for p in programmes if str(p.id) == state.value("programme_id")),
                  grant.programme)
    return render_template("grants/agreement_form.html", grant=grant, state=state,
                           programmes=programmes, programme=chosen), status


@bp.route("/grants/<int:grant_id>/accept", methods=["POST"])
@role_required(Role.GRANTEE)
def accept(grant_id: int):
    grant = grant_or_404(grant_id)
    try:
        agreements.accept(grant, actor(), name=request.form.get("name", ""),
                          confirmed=bool(request.form.get("confirm")),
                          version=request.form.get("version"))
    except DomainError as exc:
        return render_template("grants/agreement.html", grant=grant, money=money_for(grant),
                               state=FormState.posted(request.form, exc)), exc.status
    return back_to_grant(grant, _("Thank you: the agreement is accepted. The first payment "
                                  "follows once a grant officer releases it."))


def _simple(grant_id: int, use_case, name: str, message: str, **fields):
    grant = grant_or_404(grant_id)
    values = {key: request.form.get(field, "") for key, field in fields.items()}
    try:
        use_case(grant, actor(), version=request.form.get("version"), **values)
    except DomainError as exc:
        return refused(grant, exc, name)
    return back_to_grant(grant, message)


@bp.route("/grants/<int:grant_id>/take-back", methods=["POST"])
@role_required(Role.GRANT_OFFICER)
def take_back(grant_id: int):
    return _simple(grant_id, agreements.take_back, "take_back",
                   _("The offer is taken back: change the agreement and offer it again."))


@bp.route("/grants/<int:grant_id>/withdraw", methods=["POST"])
@role_required(Role.GRANT_OFFICER)
def withdraw(grant_id: int):
    return _simple(grant_id, agreements.withdraw, "withdraw", _("The grant is withdrawn."),
                   reason="reason")


@bp.route("/grants/<int:grant_id>/interest", methods=["POST"])
@role_required(Role.GRANT_OFFICER)
def interest(grant_id: int):
    grant = grant_or_404(grant_id)
    try:
        closeout.declare_interest(grant, actor(), nature=request.form.get("nature", ""))
    except DomainError as exc:
        return refused(grant, exc, "interest")
    return back_to_grant(grant, _("Your interest is recorded. Another grant officer will "
                                  "take the decisions on this grant."))


from pb.grants import money_views, public_views, return_views  # noqa: E402,F401  (routes)
