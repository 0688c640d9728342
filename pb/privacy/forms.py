"""Privacy forms: shape only."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import PasswordField
from wtforms.validators import DataRequired


class DeleteAccountForm(FlaskForm):
    password = PasswordField(_l("Your password"), validators=[DataRequired(
        "Enter your password to delete your account.")],
        description=_l("We ask for it so nobody else at this computer can delete your account."),
        render_kw={"autocomplete": "current-password"})
