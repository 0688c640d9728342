"""The admin area: places, partnerships, organisations, themes, roles, and round set-up.

Admins reach all of it; partnership officers reach the round set-up of their own
partnership's rounds.
"""

from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import func, or_, select

from pb.admin import AdminError, places, roles, rounds
from pb.admin.forms import (
    AreaForm,
    OrganisationForm,
    PartnershipForm,
    RoleForm,
    RoundForm,
    ThemeForm,
)
from pb.auth.forms import ConfirmForm
from pb.extensions import db
from pb.forms import apply_errors, page_arg
from pb.loaders import get_or_none
from pb.models import (
    Area,
    AuditEntry,
    Organisation,
    Partnership,
    Proposal,
    Role,
    RoleAssignment,
    Round,
    Theme,
    User,
)
from pb.models.round import (
    LOCKED_WHEN_VOTING,
    LOTTERY,
    RULES_FOR_DESIGN,
    lottery_tie_break,
    rule_name,
    rule_summary,
)
from pb.money import MoneyError, parse_pounds, pence_to_pounds_text
from pb.policy import admin_required, can_manage_round, require, role_required
from pb.results import carry_over

bp = Blueprint("admin", __name__)


def _actor() -> User:
    return current_user._get_current_object()


@bp.route("/")
@admin_required
def index():
    counts = {label: db.session.scalar(select(func.count()).select_from(model))
              for label, model in ((_("Areas"), Area), (_("Partnerships"), Partnership),
                                   (_("Organisations"), Organisation), (_("Themes"), Theme),
                                   (_("Rounds"), Round), (_("Proposals"), Proposal),
                                   (_("Accounts"), User), (_("Audit entries"), AuditEntry))}
    return render_template("admin/index.html", counts=counts)


# Areas ------------------------------------------------------------------------------------

@bp.route("/areas")
@admin_required
def areas():
    return render_template("admin/areas.html", areas=places.all_of(Area))


@bp.route("/areas/new", methods=["GET", "POST"])
@bp.route("/areas/<int:area_id>", methods=["GET", "POST"])
@admin_required
def area_form(area_id: int | None = None):
    area = db.get_or_404(Area, area_id) if area_id else None
    form = AreaForm()
    if request.method == "GET" and area:
        form.name.data, form.description.data = area.name, area.description
        form.wards.data = "\n".join(f"{w.name}, {w.code}" if w.code else w.name
                                    for w in area.wards)
        form.postcodes.data = "\n".join(
            f"{c.prefix}: {c.ward.name}" if c.ward else c.prefix for c in area.postcode_coverage)
    if form.validate_on_submit():
        try:
            area = places.save_area(_actor(), area, form.name.data, form.description.data or "",
                                      form.wards.data, form.postcodes.data)
        except AdminError as exc:
            apply_errors(form, exc)
        else:
            flash(_("Saved the area %(name)s.", name=area.name), "success")
            return redirect(url_for("admin.areas"))
    return render_template("admin/area_form.html", form=form, area=area), \
        400 if form.errors or form.form_errors else 200


# Partnerships, themes, organisations --------------------------------------------------------

SIMPLE = {
    "partnerships": (Partnership, PartnershipForm, "partnership",
                     ("name", "area_id", "contact_email", "description")),
    "themes": (Theme, ThemeForm, "theme", ("name", "description")),
    "organisations": (Organisation, OrganisationForm, "organisation",
                      ("name", "kind", "charity_number", "company_number", "postcode",
                       "website", "description")),
}


@bp.route("/<any(partnerships, themes, organisations):kind>")
@admin_required
def simple_list(kind: str):
    model, _form, label, _fields = SIMPLE[kind]
    return render_template("admin/simple_list.html", kind=kind, label=label,
                           items=places.all_of(model))


@bp.route("/<any(partnerships, themes, organisations):kind>/new", methods=["GET", "POST"])
@bp.route("/<any(partnerships, themes, organisations):kind>/<int:item_id>",
          methods=["GET", "POST"])
@admin_required
def simple_form(kind: str, item_id: int | None = None):
    model, form_class, label, fields = SIMPLE[kind]
    item = db.get_or_404(model, item_id) if item_id else model()
    form = form_class(obj=item if request.method == "GET" else None)
    if hasattr(form, "area_id"):
        form.area_id.choices = [(a.id, a.name) for a in places.all_of(Area)]
    if form.validate_on_submit():
        values = {name: _clean(getattr(form, name).data) for name in fields}
        try:
            places.save_simple(_actor(), item, label, values)
        except AdminError as exc:
            apply_errors(form, exc)
        else:
            flash({"partnership": _("Saved the partnership %(name)s.", name=values["name"]),
                   "organisation": _("Saved the organisation %(name)s.", name=values["name"]),
                   "theme": _("Saved the theme %(name)s.", name=values["name"])}[label], "success")
            return redirect(url_for("admin.simple_list", kind=kind))
    return render_template("admin/simple_form.html", form=form, kind=kind, label=label,
                           item=item), 400 if form.errors else 200


def _clean(value):
    return value.strip() if isinstance(value, str) else value


# People and roles -----------------------------------------------------------------------------

@bp.route("/people", methods=["GET", "POST"])
@admin_required
def people():
    form = RoleForm()
    form.partnership_id.choices = [(0, _("None"))] + [(p.id, p.name)
                                                   for p in places.all_of(Partnership)]
    form.organisation_id.choices = [(0, _("None"))] + [(o.id, o.name)
                                                    for o in places.all_of(Organisation)]
    status = 200
    if form.validate_on_submit():
        try:
            roles.assign_role(_actor(), form.email.data, Role(form.role.data),
                                 form.partnership_id.data or None,
                                 form.organisation_id.data or None)
        except AdminError as exc:
            apply_errors(form, exc)
            status = 400
        else:
            flash(_("Role assigned."), "success")
            return redirect(url_for("admin.people"))
    elif form.errors:
        status = 400
    search = (request.args.get("q") or "").strip()[:100]
    query = select(User).order_by(User.email)
    if search:
        like = f"%{search.lower()}%"
        query = query.where(or_(func.lower(User.email).like(like),
                                func.lower(User.display_name).like(like)))
    users = db.paginate(query, page=page_arg(), per_page=30,
                        error_out=False)
    return render_template("admin/people.html", form=form, users=users, search=search,
                           confirm_form=ConfirmForm()), status


@bp.route("/roles/<int:assignment_id>/revoke", methods=["POST"])
@admin_required
def revoke_role(assignment_id: int):
    assignment = db.get_or_404(RoleAssignment, assignment_id)
    if ConfirmForm().validate_on_submit():
        try:
            roles.revoke_role(_actor(), assignment)
        except AdminError as exc:
            flash(exc.message, "error")
        else:
            flash(_("Role removed."), "success")
    return redirect(url_for("admin.people"))


# Rounds -----------------------------------------------------------------------------------------

@bp.route("/rounds/new", methods=["GET", "POST"])
@bp.route("/rounds/<int:round_id>/edit", methods=["GET", "POST"])
@role_required(Role.OFFICER)
def round_form(round_id: int | None = None):
    round_ = db.get_or_404(Round, round_id) if round_id else None
    if round_ is not None:
        require(can_manage_round(current_user, round_))
    partnerships = rounds.partnerships_for(current_user)
    if not partnerships:
        abort(403)
    form = _round_form(round_, partnerships)
    chosen = get_or_none(Partnership, form.partnership_id.data)
    wards = (chosen if chosen in partnerships else partnerships[0]).area.wards
    ward_inputs = {w.id: request.form.get(f"ward_budget_{w.id}", "") for w in wards}
    if request.method == "GET" and round_:
        ward_inputs.update({wb.ward_id: pence_to_pounds_text(wb.budget_pence)
                            for wb in round_.ward_budgets})
    ward_errors: dict[int, str] = {}
    themes = list(db.session.scalars(select(Theme).order_by(Theme.name)))
    theme_inputs = _theme_inputs(round_, themes)
    theme_errors: dict[str, str] = {}
    if form.validate_on_submit():
        ward_budgets = _parse_ward_budgets(ward_inputs, ward_errors)
        theme_limits = _parse_theme_limits(theme_inputs, theme_errors)
        if not ward_errors and not theme_errors:
            try:
                round_ = rounds.save_round(_actor(), round_, rounds.RoundSettings(
                    values=_round_values(form, round_), ward_budgets=ward_budgets,
                    theme_limits=theme_limits))
            except AdminError as exc:
                _ward_errors_from(exc, ward_errors)
                theme_errors.update({k: v for k, v in exc.field_errors.items()
                                     if k.startswith("theme_")})
                apply_errors(form, exc, set_aside=[f"ward_budget_{w}" for w in ward_inputs]
                             + list(theme_inputs))
            else:
                flash(_("Saved the round %(name)s.", name=round_.name), "success")
                return redirect(url_for("main.round_detail", round_id=round_.id))
    has_errors = bool(form.errors or form.form_errors or ward_errors or theme_errors)
    return render_template(
        "admin/round_form.html", form=form, round=round_, wards=wards, ward_inputs=ward_inputs,
        ward_errors=ward_errors, rules_for_design=RULES_FOR_DESIGN, themes=themes,
        theme_inputs=theme_inputs, theme_errors=theme_errors, rule_name=rule_name,
        rule_summary=rule_summary,
        locked=set(LOCKED_WHEN_VOTING) if round_ and round_.voting_has_opened else set(),
        carry_owed=carry_over.owed_to(round_) if round_ else [],
        carry_added=carry_over.added_to(round_) if round_ else [],
    ), 400 if has_errors else 200


def _round_form(round_: Round | None, partnerships: list[Partnership]) -> RoundForm:
    form = RoundForm(obj=round_ if request.method == "GET" else None)
    form.partnership_id.choices = [(p.id, p.name) for p in partnerships]
    if request.method == "GET" and round_:
        _fill_round_form(form, round_)
    return form


def _fill_round_form(form: RoundForm, round_: Round) -> None:
    form.budget.data = pence_to_pounds_text(round_.budget_pence)
    form.min_project_cost.data = pence_to_pounds_text(round_.min_project_cost_pence)
    form.max_project_cost.data = pence_to_pounds_text(round_.max_project_cost_pence)
    if round_.tie_break.startswith(LOTTERY + ":"):
        form.tie_break.data = LOTTERY
        form.lottery_seed.data = round_.tie_break.split(":", 1)[1]
    from pb.templating import local_time

    for name in rounds.PHASES:
        value = getattr(round_, name)
        getattr(form, name).data = local_time(value).replace(tzinfo=None) if value else None


def _parse_ward_budgets(inputs: dict[int, str], errors: dict[int, str]) -> dict[int, int]:
    budgets = {}
    for ward_id, text in inputs.items():
        if not text.strip():
            continue
        try:
            pence = parse_pounds(text)
        except MoneyError as exc:
            errors[ward_id] = str(exc)
            continue
        if pence < 0:
            errors[ward_id] = _("A ward budget cannot be negative.")
        else:
            budgets[ward_id] = pence
    return budgets


def _theme_inputs(round_: Round | None, themes: list[Theme]) -> dict[str, str]:
    """What the cap and reserve boxes of each theme hold: as typed, or as stored."""
    inputs = {}
    stored = {t.theme_id: t for t in round_.theme_limits} if round_ else {}
    for theme in themes:
        for kind in ("cap", "reserve"):
            name = f"theme_{kind}_{theme.id}"
            if request.method == "POST":
                inputs[name] = request.form.get(name, "")
            else:
                limit = stored.get(theme.id)
                pence = getattr(limit, f"{kind}_pence") if limit else None
                inputs[name] = pence_to_pounds_text(pence) if pence is not None else ""
    return inputs


def _parse_theme_limits(inputs: dict[str, str], errors: dict[str, str]) -> dict:
    """{theme id: (cap pence or None, reserve pence or None)} for the themes with either."""
    limits: dict[int, list] = {}
    for name, text in inputs.items():
        if not text.strip():
            continue
        _theme, kind, theme_id = name.split("_")
        try:
            pence = parse_pounds(text)
        except MoneyError as exc:
            errors[name] = str(exc)
            continue
        if pence < 0:
            errors[name] = _("The amount cannot be negative.")
            continue
        limits.setdefault(int(theme_id), [None, None])[0 if kind == "cap" else 1] = pence
    return {theme_id: tuple(pair) for theme_id, pair in limits.items()}


def _ward_errors_from(error: AdminError, ward_errors: dict[int, str]) -> None:
    for name, message in error.field_errors.items():
        if name.startswith("ward_budget_") and name[len("ward_budget_"):].isdigit():
            ward_errors[int(name[len("ward_budget_"):])] = message


def _round_values(form: RoundForm, round_: Round | None = None) -> dict:
    values = {name: getattr(form, name).data for name in (
        "name", "description", "partnership_id", "is_published", "ballot_design",
        "allocation_rule", "tie_break", "ballot_min_choices", "ballot_max_choices",
        "ballot_points_total", "ballot_points_per_project_max", "ballot_rank_length",
        "ballot_min_budget_percent", "eligibility_postcode", "eligibility_min_age",
        "voter_verification", "ward_ballot", "ward_leftover", "min_support_votes",
        "min_support_percent")}
    if not values["ward_leftover"]:  # not sent: keep it (new rounds pool, as recommended)
        values["ward_leftover"] = round_.ward_leftover if round_ else "pooled"
    if values["tie_break"] == LOTTERY:  # the form checked the seed
        values["tie_break"] = lottery_tie_break(form.lottery_seed.data or "")
    values["name"] = values["name"].strip()
    values["description"] = (values["description"] or "").strip()
    values["ballot_budget_percent"] = form.ballot_budget_percent.data or 100
    values["supports_required"] = form.supports_required.data or 0
    values["budget_pence"] = form.budget.pence
    values["min_project_cost_pence"] = form.min_project_cost.pence
    values["max_project_cost_pence"] = form.max_project_cost.pence
    for name in rounds.PHASES:
        values[name] = rounds.local_to_utc(getattr(form, name).data)
    return values


# Phase controls (decision days, issue 12), carried-over money and the public pages' text
# (accessibility, contact, cookies, terms, privacy) hang their routes on this blueprint.
from pb.admin import carry_over_views, page_views, phase_views  # noqa: E402,F401
