"""Monitoring return pages: the grantee's form (autosaved), evidence, and the review."""

from __future__ import annotations

from flask import abort, flash, redirect, render_template, request, send_file, url_for
from flask_babel import gettext as _

from pb import policy
from pb.errors import DomainError
from pb.forms import db_id
from pb.grants import evidence, returns, reviews
from pb.grants.figures import claimed_by_line
from pb.grants.forms import FormState
from pb.grants.views import actor, bp
from pb.htmx import is_htmx
from pb.loaders import grant_or_404, grant_return_or_404
from pb.models import GrantDocument
from pb.models.monitoring import AGE_BANDS
from pb.policy import role_required
from pb.proposals import uploads


def return_page(grant, ret, state: FormState | None = None, status: int = 200):
    editing = policy.can_report_on_grant(actor(), grant) and ret.is_open_for_grantee \
        and grant.status == "active"
    if state is None:
        state = FormState(returns.values_for(ret) if editing else {})
    state.values.setdefault("version", str(ret.version))
    return render_template(
        "grants/return.html", grant=grant, ret=ret, state=state, editing=editing,
        reviewing=ret.status == "submitted" and policy.can_decide_on_grant(actor(), grant),
        others=claimed_by_line(grant, leaving_out=ret), age_bands=AGE_BANDS,
        outcome_codes=returns.outcome_choices(grant), latest=ret.latest_reviews(),
        warnings=[]), status


@bp.route("/grants/<int:grant_id>/returns/<int:return_id>", methods=["GET", "POST"])
@role_required()
def monitoring_return(grant_id: int, return_id: int):
    grant = grant_or_404(grant_id)
    ret = grant_return_or_404(grant, return_id)
    if request.method == "GET":
        return return_page(grant, ret)
    action = request.form.get("action", "save")
    try:
        if action == "submit":
            returns.submit(grant, ret, actor(), request.form)
            flash(_("Your return is submitted. Your grant officer will review it."), "success")
            return redirect(url_for("grants.monitoring_return", grant_id=grant.id,
                                    return_id=ret.id), code=303)
        warnings = returns.save_draft(grant, ret, actor(), request.form)
        if action == "upload":
            evidence.upload(grant, ret, actor(), request.files.get("file"),
                            kind=request.form.get("file_kind", ""),
                            budget_line_id=request.form.get("file_line", type=db_id),
                            caption=request.form.get("file_caption", ""),
                            consent=bool(request.form.get("file_consent")),
                            public=bool(request.form.get("file_public")))
            flash(_("The file is uploaded, and your answers are saved."), "success")
        else:
            flash(_("Your draft is saved.") + (" " + " ".join(warnings) if warnings else ""),
                  "success")
    except DomainError as exc:
        return return_page(grant, ret, FormState.posted(request.form, exc), exc.status)
    return redirect(url_for("grants.monitoring_return", grant_id=grant.id, return_id=ret.id),
                    code=303)


@bp.route("/grants/<int:grant_id>/returns/<int:return_id>/autosave", methods=["POST"])
@role_required()
def autosave(grant_id: int, return_id: int):
    """htmx autosave of the draft: answers a small status fragment (never loses input)."""
    grant = grant_or_404(grant_id)
    ret = grant_return_or_404(grant, return_id)
    try:
        warnings = returns.save_draft(grant, ret, actor(), request.form)
    except DomainError as exc:
        return render_template("grants/_autosave.html", ret=ret, problem=exc.message,
                               warnings=[]), exc.status
    if not is_htmx():
        return redirect(url_for("grants.monitoring_return", grant_id=grant.id,
                                return_id=ret.id), code=303)
    return render_template("grants/_autosave.html", ret=ret, problem=None, warnings=warnings)


@bp.route("/grants/<int:grant_id>/returns/<int:return_id>/review", methods=["POST"])
@role_required()
def review(grant_id: int, return_id: int):
    grant = grant_or_404(grant_id)
    ret = grant_return_or_404(grant, return_id)
    try:
        reviews.review(grant, ret, actor(), request.form)
    except DomainError as exc:
        return return_page(grant, ret, FormState.posted(request.form, exc), exc.status)
    flash(_("The return is accepted.") if ret.status == "accepted" else
          _("The return is sent back to the grantee with your comments."), "success")
    return redirect(url_for("grants.grant", grant_id=grant.id), code=303)


@bp.route("/grants/<int:grant_id>/returns/<int:return_id>/files/<int:document_id>/remove",
          methods=["POST"])
@role_required()
def remove_file(grant_id: int, return_id: int, document_id: int):
    grant = grant_or_404(grant_id)
    ret = grant_return_or_404(grant, return_id)
    try:
        returns.save_draft(grant, ret, actor(), request.form)  # keep what was typed
        evidence.remove(grant, ret, actor(), document_id)
    except DomainError as exc:
        return return_page(grant, ret, FormState.posted(request.form, exc), exc.status)
    flash(_("The file is removed."), "success")
    return redirect(url_for("grants.monitoring_return", grant_id=grant.id, return_id=ret.id),
                    code=303)


@bp.route("/grants/<int:grant_id>/files/<int:document_id>")
@role_required()
def file(grant_id: int, document_id: int):
    """An uploaded file, for the people who may see the grant (never cached publicly)."""
    grant = grant_or_404(grant_id)
    document = next((d for d in grant.documents if d.id == document_id), None)
    if document is None:
        abort(404)
    return send_document(document, private=True)


def send_document(document: GrantDocument, private: bool):
    """Serve an uploaded return document (private ones never cached, always as download)."""
    try:
        path = uploads.path_for(document.stored_name)
    except uploads.UploadError:
        abort(404)
    if not path.exists():
        abort(404)
    response = send_file(path, mimetype=document.content_type,
                         download_name=document.original_name,
                         as_attachment=not document.is_image)
    response.headers["Cache-Control"] = "private, no-store" if private else "public, max-age=3600"
    response.headers["X-Content-Type-Options"] = "nosniff"
    return response
