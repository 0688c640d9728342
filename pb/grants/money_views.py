"""Grant pages about money and delivery: tranches, adjustments, milestones, RAG, savings,
close-out and corrections."""

from __future__ import annotations

from flask import render_template, request
from flask_babel import gettext as _
from sqlalchemy import select

from pb import policy
from pb.errors import DomainError
from pb.extensions import db
from pb.forms import db_id
from pb.grants import closeout, costbenefit, rag, tranches
from pb.grants.common import today
from pb.grants.forms import FormState
from pb.grants.tranches import money_for
from pb.grants.views import actor, back_to_grant, bp, refused
from pb.loaders import grant_or_404
from pb.models import Role, UnitCost
from pb.policy import role_required


@bp.route("/grants/<int:grant_id>/tranches/<int:tranche_id>/release", methods=["POST"])
@role_required(Role.GRANT_OFFICER)
def release(grant_id: int, tranche_id: int):
    grant = grant_or_404(grant_id)
    try:
        tranche = tranches.release(grant, tranche_id, actor(),
                                   paid_on=request.form.get("paid_on", ""),
                                   reference=request.form.get("reference", ""),
                                   version=request.form.get("version"))
    except DomainError as exc:
        return refused(grant, exc, f"release-{tranche_id}")
    return back_to_grant(grant, _("Payment %(number)d released: %(reference)s.",
                                  number=tranche.position + 1,
                                  reference=tranche.payment_reference))


@bp.route("/grants/<int:grant_id>/tranches/<int:tranche_id>/withhold", methods=["POST"])
@role_required(Role.GRANT_OFFICER)
def withhold(grant_id: int, tranche_id: int):
    grant = grant_or_404(grant_id)
    try:
        adjustment = tranches.withhold(grant, tranche_id, actor(),
                                       reason=request.form.get("reason", ""),
                                       amount=request.form.get("amount", ""),
                                       version=request.form.get("version"))
    except DomainError as exc:
        return refused(grant, exc, f"withhold-{tranche_id}")
    return back_to_grant(grant, _("%(what)s: the reason is recorded.",
                                  what=adjustment.kind_label))


@bp.route("/grants/<int:grant_id>/money-back", methods=["POST"])
@role_required(Role.GRANT_OFFICER)
def money_back(grant_id: int):
    grant = grant_or_404(grant_id)
    try:
        tranches.claw_back(grant, actor(), amount=request.form.get("amount", ""),
                           reason=request.form.get("reason", ""), on=request.form.get("on", ""),
                           kind=request.form.get("kind", ""),
                           version=request.form.get("version"))
    except DomainError as exc:
        return refused(grant, exc, "money_back")
    return back_to_grant(grant, _("The money coming back is recorded with its reason."))


@bp.route("/grants/<int:grant_id>/milestones/<int:milestone_id>/met", methods=["POST"])
@role_required(Role.GRANT_OFFICER)
def milestone_met(grant_id: int, milestone_id: int):
    grant = grant_or_404(grant_id)
    try:
        closeout.milestone_met(grant, actor(), milestone_id,
                               met_on=request.form.get("met_on", ""),
                               version=request.form.get("version"))
    except DomainError as exc:
        return refused(grant, exc, f"milestone-{milestone_id}")
    return back_to_grant(grant, _("The milestone is recorded as met."))


@bp.route("/grants/<int:grant_id>/rag", methods=["POST"])
@role_required(Role.GRANT_OFFICER)
def rag_override(grant_id: int):
    grant = grant_or_404(grant_id)
    try:
        if request.form.get("action") == "clear":
            rag.clear_override(grant, actor(), version=request.form.get("version"))
        else:
            rag.set_override(grant, actor(), value=request.form.get("value", ""),
                             reason=request.form.get("reason", ""),
                             until=request.form.get("until", ""),
                             version=request.form.get("version"))
    except DomainError as exc:
        return refused(grant, exc, "rag")
    return back_to_grant(grant, _("The RAG status is updated."))


@bp.route("/grants/<int:grant_id>/corrections", methods=["POST"])
@role_required(Role.GRANT_OFFICER)
def correction(grant_id: int):
    grant = grant_or_404(grant_id)
    try:
        closeout.add_correction(grant, actor(), kind=request.form.get("kind", ""),
                                target_id=request.form.get("target_id", ""),
                                delta=request.form.get("delta", ""),
                                reason=request.form.get("reason", ""),
                                version=request.form.get("version"))
    except DomainError as exc:
        return refused(grant, exc, "correction")
    return back_to_grant(grant, _("The correction is recorded with its reason."))


# Cost and savings -----------------------------------------------------------------------------

def savings_page(grant, state: FormState | None = None, status: int = 200):
    units = db.session.scalars(select(UnitCost).where(
        UnitCost.programme_id == (grant.programme_id or 0)).order_by(UnitCost.position)).all()
    return render_template("grants/savings.html", grant=grant, state=state or FormState(),
                           units=units, money=money_for(grant),
                           savings=costbenefit.grant_savings(grant),
                           may_decide=policy.can_decide_on_grant(actor(), grant),
                           may_manage=policy.can_manage_grant(actor(), grant)), status


@bp.route("/grants/<int:grant_id>/savings", methods=["GET", "POST"])
@role_required()
def savings(grant_id: int):
    grant = grant_or_404(grant_id)
    if request.method == "GET":
        return savings_page(grant)
    policy.require(policy.can_manage_grant(actor(), grant))
    action = request.form.get("action", "")
    try:
        if action == "funding":
            costbenefit.set_funding(grant, actor(), request.form)
        elif action == "remove":
            costbenefit.remove_saving(grant, actor(), request.form.get("saving_id", type=db_id),
                                      version=request.form.get("version"))
        else:
            costbenefit.add_saving(grant, actor(), request.form)
    except DomainError as exc:
        return savings_page(grant, FormState.posted(request.form, exc, action), exc.status)
    return back_to_grant(grant, _("Cost and savings updated."))


@bp.route("/grants/<int:grant_id>/close", methods=["GET", "POST"])
@role_required(Role.GRANT_OFFICER)
def close(grant_id: int):
    grant = grant_or_404(grant_id)
    policy.require(policy.can_manage_grant(actor(), grant))
    state, status = FormState(values={"version": str(grant.version)}), 200
    if request.method == "POST":
        try:
            closeout.close(grant, actor(), note=request.form.get("note", ""),
                           underspend=request.form.get("underspend", ""),
                           agreed_reason=request.form.get("agreed_reason", ""),
                           version=request.form.get("version"))
            return back_to_grant(grant, _("The grant is closed. Its figures are now "
                                          "read-only."))
        except DomainError as exc:
            state, status = FormState.posted(request.form, exc), exc.status
    return render_template("grants/close.html", grant=grant, state=state,
                           money=money_for(grant), blockers=closeout.blockers(grant),
                           today=today()), status
