"""Account forms: shape only; the services decide."""

from __future__ import annotations

from datetime import date

from flask_wtf import FlaskForm
from wtforms import BooleanField, DateField, EmailField, HiddenField, PasswordField, StringField
from wtforms.validators import DataRequired, Email, Length, Optional, ValidationError

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
        raise ValidationError("Enter a full UK postcode, for example SK10 1AB.")


class RegisterForm(NewPasswordMixin, FlaskForm):
    display_name = StringField("Your first name (shown on proposals you make)",
                               validators=[DataRequired("Enter your first name."), Length(max=80)])
    email = EmailField("Email address", filters=[strip], validators=[
        DataRequired("Enter your email address."),
        Email("Enter an email address like name@example.org.", check_deliverability=False),
        Length(max=254)])
    password = PasswordField("Password", validators=[DataRequired("Choose a password.")],
                             description="At least 10 characters. A few words you will remember "
                                         "work well; there are no other rules.")
    postcode = StringField("Home postcode (optional)", validators=[Optional(), Length(max=10),
                                                                  validate_uk_postcode],
                           description="Some rounds are open only to people who live, work or "
                                       "study in the area.")
    date_of_birth = DateField("Date of birth (optional)", validators=[Optional()],
                              description="Some rounds have a minimum age, often 11.")

    def validate_date_of_birth(self, field):
        if field.data and field.data > date.today():
            raise ValidationError("Your date of birth cannot be in the future.")


class LoginForm(FlaskForm):
    email = EmailField("Email address", filters=[strip],
                       validators=[DataRequired("Enter your email address."),
                                   Length(max=254, message="An email address has at most 254 "
                                                           "characters.")])
    password = PasswordField("Password", validators=[DataRequired("Enter your password.")])
    remember = BooleanField("Keep me signed in on this device")


class UnlockRequestForm(FlaskForm):
    """The button under a slowed-down sign-in: "email me a link to sign in now"."""

    email = HiddenField(filters=[strip], validators=[DataRequired(), Length(max=254)])


class UnlockForm(FlaskForm):
    """Sign in through the emailed link: the account is known, the password is asked."""

    password = PasswordField("Password", validators=[DataRequired("Enter your password.")])


class ForgotPasswordForm(FlaskForm):
    email = EmailField("Email address", filters=[strip], validators=[
        DataRequired("Enter your email address."),
        Email("Enter an email address like name@example.org.", check_deliverability=False)])


class ResetPasswordForm(NewPasswordMixin, FlaskForm):
    password = PasswordField("New password", validators=[DataRequired("Choose a password.")],
                             description="At least 10 characters.")


class ChangePasswordForm(NewPasswordMixin, FlaskForm):
    current_password = PasswordField("Current password",
                                     validators=[DataRequired("Enter your current password.")])
    password = PasswordField("New password", validators=[DataRequired("Choose a password.")],
                             description="At least 10 characters.")


class ChangeEmailForm(FlaskForm):
    current_password = PasswordField("Current password",
                                     validators=[DataRequired("Enter your current password.")])
    email = EmailField("New email address", filters=[strip], validators=[
        DataRequired("Enter your new email address."),
        Email("Enter an email address like name@example.org.", check_deliverability=False),
        Length(max=254)])


class ProfileForm(FlaskForm):
    display_name = StringField("First name", validators=[DataRequired("Enter your first name."),
                                                         Length(max=80)])
    postcode = StringField("Home postcode", validators=[Optional(), Length(max=10),
                                                        validate_uk_postcode])
    date_of_birth = DateField("Date of birth", validators=[Optional()])


class ConfirmForm(FlaskForm):
    """A form with only the CSRF token, for buttons that change state."""
