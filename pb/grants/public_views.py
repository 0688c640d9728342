"""Public pages (progress per funded project, programmes with their KPIs and
cost-benefit) and the programme set-up pages."""

from __future__ import annotations

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import select

from pb import policy
from pb.errors import DomainError
from pb.extensions import db
from pb.grants import costbenefit, programmes, queries
from pb.grants.evidence import is_public_photo
from pb.grants.forms import FormState
from pb.grants.return_views import send_document
from pb.grants.views import actor, bp
from pb.loaders import managed_programme_or_404, programme_or_404, public_grant_or_404
from pb.models import Programme, Role
from pb.policy import role_required


@bp.route("/grants/<int:grant_id>/progress")
def progress(grant_id: int):
    grant = public_grant_or_404(grant_id)
    return render_template("grants/progress.html", grant=grant,
                           progress=queries.progress(grant),
                           may_view=policy.can_view_grant(current_user, grant))


@bp.route("/grants/<int:grant_id>/photos/<int:document_id>")
def public_photo(grant_id: int, document_id: int):
    grant = public_grant_or_404(grant_id)
    document = next((d for d in grant.documents if d.id == document_id), None)
    if document is None or not is_public_photo(document):
        abort(404)
    return send_document(document, private=False)


@bp.route("/programmes")
def programme_list():
    rows = db.session.scalars(select(Programme).order_by(Programme.name)).all()
    return render_template("grants/programmes.html", programmes=rows,
                           may_create=policy.can_create_programme(current_user))


@bp.route("/programmes/<int:programme_id>")
def programme(programme_id: int):
    programme_ = programme_or_404(programme_id)
    return render_template(
        "grants/programme.html", programme=programme_,
        kpis=queries.kpis_by_area(programme_),
        figures=costbenefit.programme_cost_benefit(programme_),
        money=queries.programme_money(programme_),
        may_manage=policy.can_manage_programme(current_user, programme_),
        may_list=policy.can_view_programme_grants(current_user, programme_))


def _form(programme_, state: FormState, status: int = 200):
    return render_template("grants/programme_form.html", programme=programme_, state=state,
                           partnerships=programmes.partnerships_for(current_user),
                           rounds=programmes.rounds_for(current_user)), status


def _state_for(programme_) -> FormState:
    state = FormState(programmes.form_values(programme_))
    state.values["rounds"] = [str(r.id) for r in programme_.rounds]
    state.values["outcomes"] = programme_.outcome_codes
    return state


@bp.route("/programmes/new", methods=["GET", "POST"])
@role_required(Role.GRANT_OFFICER)
def new_programme():
    policy.require(policy.can_create_programme(current_user))
    if request.method == "GET":
        return _form(None, FormState())
    try:
        made = programmes.save(None, actor(), request.form)
    except DomainError as exc:
        return _form(None, FormState.posted(request.form, exc), exc.status)
    return _saved(made)


@bp.route("/programmes/<int:programme_id>/edit", methods=["GET", "POST"])
@role_required(Role.GRANT_OFFICER)
def edit_programme(programme_id: int):
    programme_ = managed_programme_or_404(programme_id)
    if request.method == "GET":
        return _form(programme_, _state_for(programme_))
    try:
        programmes.save(programme_, actor(), request.form)
    except DomainError as exc:
        return _form(programme_, FormState.posted(request.form, exc), exc.status)
    return _saved(programme_)


def _saved(programme_):
    flash(_("The programme is saved."), "success")
    return redirect(url_for("grants.programme", programme_id=programme_.id), code=303)
