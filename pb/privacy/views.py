"""The privacy notice, your data (download as JSON) and deleting your account."""

from __future__ import annotations

import json

from flask import Blueprint, Response, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required, logout_user

from pb import policy
from pb.forms import apply_errors
from pb.pages import services as pages
from pb.privacy import PrivacyError, services
from pb.privacy.forms import DeleteAccountForm

bp = Blueprint("privacy", __name__)


@bp.route("/privacy")
def notice():
    return render_template("privacy/notice.html", ask=pages.page("privacy"))


@bp.route("/account/data")
@login_required
def your_data():
    return _data_page(DeleteAccountForm())


def _data_page(form, status: int = 200):
    may_delete = policy.can_delete_account(current_user, current_user)
    return render_template("privacy/data.html", form=form, may_delete=may_delete), status


@bp.route("/account/data.json")
@login_required
def download():
    data = services.export_data(current_user._get_current_object())
    response = Response(json.dumps(data, indent=2, ensure_ascii=False),
                        mimetype="application/json")
    response.headers["Content-Disposition"] = 'attachment; filename="my-pb-data.json"'
    return response


@bp.route("/account/delete", methods=["POST"])
@login_required
def delete_account():
    form = DeleteAccountForm()
    if not form.validate_on_submit():
        return _data_page(form, 400)
    me = current_user._get_current_object()
    try:
        services.delete_account(me, me, form.password.data)
    except PrivacyError as exc:
        apply_errors(form, exc)
        return _data_page(form, 400)
    logout_user()
    flash(_("Your account is deleted. Any ballot you cast still counts, with nothing linking "
            "it to you."), "success")
    return redirect(url_for("main.index"), 303)
