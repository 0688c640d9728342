"""Account forms: shape only; the services decide."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import BooleanField, EmailField, HiddenField, PasswordField, StringField
from wtforms.validators import DataRequired, Email, Length, Optional, ValidationError

from pb.forms import DateInputField
from pb.models import normalise_postcode
from pb.passwords import password_problem


class NewPasswordMixin:
    # Forms without an email field are told the account's address by the view.
    account_email: str = ""

    def validate_password(self, field):
        email = getattr(self, "email", None)
        problem = password_problem(field.data or "",
                                   email=email.data if email else self.account_email)
        if problem:
            raise ValidationError(problem)


def strip(value):
    """Pasted addresses often carry spaces; browsers trim them, other clients may not."""
    return value.strip() if isinstance(value, str) else value


def validate_uk_postcode(_form, field):
    if field.data and normalise_postcode(field.data) is None:
        raise ValidationError(_l("Enter a full UK postcode, for example SK10 1AB."))


# autocomplete tokens (WCAG 1.3.5): browsers and password managers fill these in.
NAME = {"autocomplete": "given-name"}
EMAIL = {"autocomplete": "email"}
POSTCODE = {"autocomplete": "postal-code"}
NEW_PASSWORD = {"autocomplete": "new-password"}
CURRENT_PASSWORD = {"autocomplete": "current-password"}


def date_of_birth_field(label: str = _l("Date of birth (optional)"), **kwargs) -> DateInputField:
    """An optional date of birth in three boxes, as every account form asks it."""
    return DateInputField(label, validators=[Optional()], subject=_l("Date of birth"), past=True,
                          autocomplete="bday", **kwargs)


class RegisterForm(NewPasswordMixin, FlaskForm):
    display_name = StringField(_l("Your first name (shown on proposals you make)"),
                               validators=[DataRequired(_l("Enter your first name.")), Length(max=80)],
                               render_kw=NAME)
    email = EmailField(_l("Email address"), filters=[strip], validators=[
        DataRequired(_l("Enter your email address.")),
        Email(_l("Enter an email address like name@example.org."), check_deliverability=False),
        Length(max=254)], render_kw=EMAIL)
    password = PasswordField(_l("Password"), validators=[DataRequired(_l("Choose a password."))],
                             description=_l("At least 10 characters. A few words you will remember "
                                         "work well; there are no other rules."),
                             render_kw=NEW_PASSWORD)
    postcode = StringField(_l("Home postcode (optional)"), validators=[Optional(), Length(max=10),
                                                                  validate_uk_postcode],
                           description=_l("Some rounds are open only to people who live, work or "
                                       "study in the area."), render_kw=POSTCODE)
    date_of_birth = date_of_birth_field(
        description=_l("Some rounds have a minimum age, often 11. For example, 27 3 1984."))


class LoginForm(FlaskForm):
    email = EmailField(_l("Email address"), filters=[strip],
                       validators=[DataRequired(_l("Enter your email address.")),
                                   Length(max=254, message=_l("An email address has at most 254 "
                                                           "characters."))], render_kw=EMAIL)
    password = PasswordField(_l("Password"), validators=[DataRequired(_l("Enter your password."))],
                             render_kw=CURRENT_PASSWORD)
    remember = BooleanField(_l("Keep me signed in on this device"))


class UnlockRequestForm(FlaskForm):
    """The button under a slowed-down sign-in: "email me a link to sign in now"."""

    email = HiddenField(filters=[strip], validators=[DataRequired(), Length(max=254)])


class UnlockForm(FlaskForm):
    """Sign in through the emailed link: the account is known, the password is asked."""

    password = PasswordField(_l("Password"), validators=[DataRequired(_l("Enter your password."))],
                             render_kw=CURRENT_PASSWORD)


class ForgotPasswordForm(FlaskForm):
    email = EmailField(_l("Email address"), filters=[strip], validators=[
        DataRequired(_l("Enter your email address.")),
        Email(_l("Enter an email address like name@example.org."), check_deliverability=False)],
        render_kw=EMAIL)


class ResetPasswordForm(NewPasswordMixin, FlaskForm):
    password = PasswordField(_l("New password"), validators=[DataRequired(_l("Choose a password."))],
                             description=_l("At least 10 characters."), render_kw=NEW_PASSWORD)


class ChangePasswordForm(NewPasswordMixin, FlaskForm):
    current_password = PasswordField(_l("Current password"),
                                     validators=[DataRequired(_l("Enter your current password."))],
                                     render_kw=CURRENT_PASSWORD)
    password = PasswordField(_l("New password"), validators=[DataRequired(_l("Choose a password."))],
                             description=_l("At least 10 characters."), render_kw=NEW_PASSWORD)


class ChangeEmailForm(FlaskForm):
    current_password = PasswordField(_l("Current password"),
                                     validators=[DataRequired(_l("Enter your current password."))],
                                     render_kw=CURRENT_PASSWORD)
    email = EmailField(_l("New email address"), filters=[strip], validators=[
        DataRequired(_l("Enter your new email address.")),
        Email(_l("Enter an email address like name@example.org."), check_deliverability=False),
        Length(max=254)], render_kw=EMAIL)


class ProfileForm(FlaskForm):
    display_name = StringField(_l("First name"), validators=[DataRequired(_l("Enter your first name.")),
                                                         Length(max=80)], render_kw=NAME)
    postcode = StringField(_l("Home postcode (optional)"), validators=[Optional(), Length(max=10),
                                                                   validate_uk_postcode],
                           render_kw=POSTCODE)
    date_of_birth = date_of_birth_field(description=_l("For example, 27 3 1984."))


class ConfirmForm(FlaskForm):
    """A form with only the CSRF token, for buttons that change state."""
