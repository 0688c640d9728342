"""Accounts: register, verify, sign in and out, reset and change password or email."""

from __future__ import annotations

from urllib.parse import urlsplit

from flask import Blueprint, flash, redirect, render_template, request, session, url_for
from flask_login import current_user, login_required, login_user, logout_user

from pb.auth import services
from pb.auth.forms import (
    ChangeEmailForm,
    ChangePasswordForm,
    ConfirmForm,
    ForgotPasswordForm,
    LoginForm,
    ProfileForm,
    RegisterForm,
    ResetPasswordForm,
)

bp = Blueprint("auth", __name__)


def _safe_next(target: str | None) -> str:
    """Only same-site relative paths: never an open redirect."""
    if not target:
        return url_for("main.index")
    parts = urlsplit(target)
    if parts.scheme or parts.netloc or not target.startswith("/") or target.startswith("//") \
            or "\\" in target:
        return url_for("main.index")
    return target


@bp.route("/register", methods=["GET", "POST"])
def register():
    if current_user.is_authenticated:
        return redirect(url_for("main.index"))
    form = RegisterForm()
    if form.validate_on_submit():
        try:
            user = services.register(services.Registration(
                display_name=form.display_name.data, email=form.email.data,
                password=form.password.data, postcode=form.postcode.data,
                date_of_birth=form.date_of_birth.data))
        except services.AccountError as exc:
            form.email.errors.append(str(exc))
        else:
            _start_session(user, remember=False)
            flash("Welcome to pb. We have sent you an email: open the link in it to confirm "
                  "your address.", "success")
            return redirect(url_for("auth.account"))
    return render_template("auth/register.html", form=form), 400 if form.errors else 200


@bp.route("/verify/<token>")
def verify_email(token: str):
    try:
        services.verify_email(token)
    except services.AccountError as exc:
        return render_template("auth/link_problem.html", message=str(exc)), 400
    flash("Thank you: your email address is confirmed.", "success")
    return redirect(url_for("auth.account") if current_user.is_authenticated
                    else url_for("auth.login"))


@bp.route("/verify/resend", methods=["POST"])
@login_required
def resend_verification():
    if ConfirmForm().validate_on_submit() and not current_user.is_verified:
        services.send_verification(current_user)
        flash("We have sent you a new confirmation email.", "success")
    return redirect(url_for("auth.account"))


@bp.route("/login", methods=["GET", "POST"])
def login():
    if current_user.is_authenticated:
        return redirect(_safe_next(request.args.get("next")))
    form = LoginForm()
    status = 200
    if form.validate_on_submit():
        try:
            user = services.authenticate(form.email.data, form.password.data,
                                         request.remote_addr or "unknown")
        except services.Throttled as exc:
            form.form_errors.append(str(exc))
            status = 429
        except services.AccountError as exc:
            form.form_errors.append(str(exc))
            status = 400
        else:
            _start_session(user, remember=form.remember.data)
            flash(f"Signed in as {user.display_name}.", "success")
            return redirect(_safe_next(request.args.get("next")))
    elif form.errors:
        status = 400
    return render_template("auth/login.html", form=form), status


def _start_session(user, remember: bool) -> None:
    # A fresh session on sign-in, so a session id planted before it is worthless.
    session.clear()
    login_user(user, remember=remember)


@bp.route("/logout", methods=["POST"])
def logout():
    if ConfirmForm().validate_on_submit():
        logout_user()
        session.clear()
        flash("You have signed out.", "info")
    return redirect(url_for("main.index"))


@bp.route("/forgot", methods=["GET", "POST"])
def forgot_password():
    form = ForgotPasswordForm()
    if form.validate_on_submit():
        services.request_password_reset(form.email.data)
        flash("If that address has an account, we have sent it a link to reset the password. "
              "The link works once, for 30 minutes.", "info")
        return redirect(url_for("auth.login"))
    return render_template("auth/forgot.html", form=form), 400 if form.errors else 200


@bp.route("/reset/<token>", methods=["GET", "POST"])
def reset_password(token: str):
    form = ResetPasswordForm()
    try:
        user, _ = services.read_token("reset", token, services.reset_max_age())
    except services.AccountError as exc:
        return render_template("auth/link_problem.html", message=str(exc)), 400
    form.account_email = user.email
    if form.validate_on_submit():
        try:
            services.reset_password(token, form.password.data)
        except services.AccountError as exc:
            return render_template("auth/link_problem.html", message=str(exc)), 400
        logout_user()
        flash("Your password has been changed. Sign in with the new one.", "success")
        return redirect(url_for("auth.login"))
    return render_template("auth/reset.html", form=form), 400 if form.errors else 200


@bp.route("/", methods=["GET"])
@login_required
def account():
    return render_template("auth/account.html", profile_form=ProfileForm(obj=current_user),
                           password_form=ChangePasswordForm(), email_form=ChangeEmailForm(),
                           confirm_form=ConfirmForm())


@bp.route("/profile", methods=["POST"])
@login_required
def update_profile():
    form = ProfileForm()
    if form.validate_on_submit():
        services.update_profile(current_user, form.display_name.data, form.postcode.data,
                                form.date_of_birth.data)
        flash("Your details are saved.", "success")
        return redirect(url_for("auth.account"))
    return render_template("auth/account.html", profile_form=form,
                           password_form=ChangePasswordForm(), email_form=ChangeEmailForm(),
                           confirm_form=ConfirmForm()), 400


@bp.route("/password", methods=["POST"])
@login_required
def change_password():
    form = ChangePasswordForm()
    form.account_email = current_user.email
    if form.validate_on_submit():
        try:
            services.change_password(current_user, form.current_password.data, form.password.data)
        except services.AccountError as exc:
            form.current_password.errors.append(str(exc))
        else:
            # The session version changed: sign in again on this device only.
            login_user(current_user._get_current_object())
            flash("Your password has been changed. Other devices have been signed out.",
                  "success")
            return redirect(url_for("auth.account"))
    return render_template("auth/account.html", profile_form=ProfileForm(obj=current_user),
                           password_form=form, email_form=ChangeEmailForm(),
                           confirm_form=ConfirmForm()), 400


@bp.route("/email", methods=["POST"])
@login_required
def change_email():
    form = ChangeEmailForm()
    if form.validate_on_submit():
        try:
            services.request_email_change(current_user, form.current_password.data,
                                          form.email.data)
        except services.AccountError as exc:
            form.email.errors.append(str(exc))
        else:
            flash("We have sent a link to your new address. Your email changes when you "
                  "open it.", "info")
            return redirect(url_for("auth.account"))
    return render_template("auth/account.html", profile_form=ProfileForm(obj=current_user),
                           password_form=ChangePasswordForm(), email_form=form,
                           confirm_form=ConfirmForm()), 400


@bp.route("/sign-out-everywhere", methods=["POST"])
@login_required
def sign_out_everywhere():
    if ConfirmForm().validate_on_submit():
        services.sign_out_everywhere(current_user)
        logout_user()
        session.clear()
        flash("You have been signed out on every device.", "info")
    return redirect(url_for("auth.login"))
