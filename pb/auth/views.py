"""Accounts: register, verify, sign in and out, reset and change password or email."""

from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, request, session, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required, login_user, logout_user

from pb import throttle
from pb.auth import AccountError, idle, services, signin
from pb.auth.forms import (
    ChangeEmailForm,
    ChangePasswordForm,
    ConfirmForm,
    ForgotPasswordForm,
    LoginForm,
    ProfileForm,
    RegisterForm,
    ResetPasswordForm,
    UnlockForm,
    UnlockRequestForm,
)
from pb.auth.tokens import read_token
from pb.forms import apply_errors
from pb.web_security import safe_path

bp = Blueprint("auth", __name__)
# Idle and absolute session limits, on every request of the app.
bp.before_app_request(idle.enforce)


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
        except AccountError as exc:
            apply_errors(form, exc.errors if exc.field_errors else {"email": exc.message})
        else:
            _start_session(user, remember=False)
            flash(_("Welcome to pb. We have sent you an email: open the link in it to confirm "
                    "your address."), "success")
            return redirect(url_for("auth.account"))
    return render_template("auth/register.html", form=form), 400 if form.errors else 200


@bp.route("/verify/<token>")
def verify_email(token: str):
    try:
        services.verify_email(token)
    except AccountError as exc:
        return render_template("auth/link_problem.html", message=exc.message, kind="verify"), 400
    flash(_("Thank you: your email address is confirmed."), "success")
    return redirect(url_for("auth.account") if current_user.is_authenticated
                    else url_for("auth.login"))


@bp.route("/verify/resend", methods=["POST"])
@login_required
def resend_verification():
    if ConfirmForm().validate_on_submit() and not current_user.is_verified:
        services.send_verification(_me())
        flash(_("We have sent you a new confirmation email."), "success")
    return redirect(url_for("auth.account"))


@bp.route("/login", methods=["GET", "POST"])
def login():
    if current_user.is_authenticated:
        return redirect(safe_path(request.args.get("next")))
    form = LoginForm()
    status, unlock_form, headers = 200, None, {}
    if form.validate_on_submit():
        try:
            user = signin.authenticate(form.email.data, form.password.data, _address())
        except throttle.Wait as exc:
            apply_errors(form, exc)
            status, headers = exc.status, {"Retry-After": str(exc.retry_after)}
            if isinstance(exc, signin.AccountWait):
                unlock_form = UnlockRequestForm(email=form.email.data)
        except AccountError as exc:
            apply_errors(form, exc)
            status = 400
        else:
            _start_session(user, remember=form.remember.data)
            flash(_("Signed in as %(name)s.", name=user.display_name), "success")
            return redirect(safe_path(request.args.get("next")))
    elif form.errors:
        status = 400
    return render_template("auth/login.html", form=form, unlock_form=unlock_form), status, \
        headers


def _me():
    return current_user._get_current_object()


def _address() -> str:
    return request.remote_addr or "unknown"


def _start_session(user, remember: bool) -> None:
    # A fresh session on sign-in, so a session id planted before it is worthless.
    session.clear()
    signin.start_session(user)
    login_user(user, remember=remember)
    idle.stamp_new_session(remember)


@bp.route("/logout", methods=["POST"])
def logout():
    if ConfirmForm().validate_on_submit():
        if current_user.is_authenticated:
            signin.end_session(_me())
        logout_user()
        session.clear()
        flash(_("You have signed out."), "info")
    return redirect(url_for("main.index"))


@bp.route("/unlock", methods=["POST"])
def request_unlock():
    """Email a one-time sign-in link to an account whose guesses are being slowed down."""
    form = UnlockRequestForm()
    if form.validate_on_submit():
        signin.request_unlock(form.email.data)
        flash(_("If that address has an account that is being slowed down, we have sent it an "
                "email with a link to sign in straight away. The link works once, for 30 "
                "minutes."), "info")
    return redirect(url_for("auth.login"), code=303)


@bp.route("/unlock/<token>", methods=["GET", "POST"])
def unlock(token: str):
    """Sign in with the right password at once, whatever wrong guesses others have made."""
    try:
        user = signin.read_unlock(token)
    except AccountError as exc:
        return render_template("auth/link_problem.html", message=exc.message), 400
    form = UnlockForm()
    status = 200
    if form.validate_on_submit():
        try:
            user = signin.authenticate(user.email, form.password.data, _address(),
                                       unlock_token=token)
        except throttle.Wait as exc:
            apply_errors(form, exc)
            status = exc.status
        except AccountError as exc:
            # Waiver for bandit B105: a message shown to the person, not a password.
            apply_errors(form, {"password": _("That password is not right for this account.")}  # nosec B105
                         if exc.message == str(signin.WRONG) else exc)
            status = 400
        else:
            _start_session(user, remember=False)
            flash(_("Signed in as %(name)s.", name=user.display_name), "success")
            return redirect(url_for("auth.account"))
    elif form.errors:
        status = 400
    return render_template("auth/unlock.html", form=form, email=user.email), status


@bp.route("/forgot", methods=["GET", "POST"])
def forgot_password():
    form = ForgotPasswordForm()
    if form.validate_on_submit():
        services.request_password_reset(form.email.data)
        flash(_("If that address has an account, we have sent it a link to reset the password. "
                "The link works once, for 30 minutes."), "info")
        return redirect(url_for("auth.login"))
    return render_template("auth/forgot.html", form=form), 400 if form.errors else 200


@bp.route("/reset/<token>", methods=["GET", "POST"])
def reset_password(token: str):
    form = ResetPasswordForm()
    try:
        user, _fingerprint = read_token("reset", token, services.reset_max_age())
    except AccountError as exc:
        return render_template("auth/link_problem.html", message=exc.message), 400
    form.account_email = user.email
    if form.validate_on_submit():
        try:
            services.reset_password(token, form.password.data)
        except AccountError as exc:
            return render_template("auth/link_problem.html", message=exc.message), 400
        logout_user()
        flash(_("Your password has been changed. Sign in with the new one."), "success")
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
        services.update_profile(_me(), form.display_name.data, form.postcode.data,
                                form.date_of_birth.data)
        flash(_("Your details are saved."), "success")
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
            services.change_password(_me(), form.current_password.data, form.password.data)
        except AccountError as exc:
            apply_errors(form, {"current_password": exc.message})
        else:
            # The session version changed: sign in again on this device only.
            login_user(current_user._get_current_object())
            flash(_("Your password has been changed. Other devices have been signed out."),
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
            services.request_email_change(_me(), form.current_password.data,
                                          form.email.data)
        except AccountError as exc:
            apply_errors(form, exc.errors if exc.field_errors else {"email": exc.message})
        else:
            flash(_("We have sent a link to your new address. Your email changes when you "
                    "open it."), "info")
            return redirect(url_for("auth.account"))
    return render_template("auth/account.html", profile_form=ProfileForm(obj=current_user),
                           password_form=ChangePasswordForm(), email_form=form,
                           confirm_form=ConfirmForm()), 400


@bp.route("/sign-out-everywhere", methods=["POST"])
@login_required
def sign_out_everywhere():
    if ConfirmForm().validate_on_submit():
        signin.sign_out_everywhere(_me())
        logout_user()
        session.clear()
        flash(_("You have been signed out on every device."), "info")
    return redirect(url_for("auth.login"))
