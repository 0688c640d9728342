"""The officers' forms on the results page: count, change the result, certify.

Each carries the version of the result the officer was shown (``seen``) and an
idempotency key (``submission``); the services refuse a stale form and do a repeated
one once.
"""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.file import FileField
from wtforms import (
    BooleanField,
    HiddenField,
    SelectField,
    SelectMultipleField,
    TextAreaField,
    widgets,
)
from wtforms.validators import Length, ValidationError

from pb import submissions
from pb.forms import db_id


class ResultActionForm(FlaskForm):
    submission = HiddenField()
    seen = HiddenField(validators=[Length(max=16)])

    def validate_submission(self, field):
        if field.data and not submissions.is_key(field.data):
            raise ValidationError(_l("This form is out of date. Reload the page and try again."))


class OverrideForm(ResultActionForm):
    # Project ids and constraint ids are checked by the service against the count.
    selected = SelectMultipleField(_l("Projects to fund"), validate_choice=False)
    reason = TextAreaField(_l("Reason for the change (published)"),
                           validators=[Length(max=2000, message=_l("Keep the reason under 2,000 "
                                                                "characters."))])
    exceptions = SelectMultipleField(_l("Exceptions to the count's rules (published)"),
                                     validate_choice=False)


class CertifyForm(ResultActionForm):
    # Checked by the service (services.certify), not here: a refusal keeps the page.
    read_it = BooleanField(_l("I have read the result, what changed since the previous count, "
                           "the ballots held back or replaced, and the other rules' results"))


class MultiCheckboxField(SelectMultipleField):
    widget = widgets.ListWidget(prefix_label=False)
    option_widget = widgets.CheckboxInput()


class ExplorerForm(FlaskForm):
    """What to explore: a past round or an uploaded .pb file, and the settings to try."""

    # db_id: an overflowing or non-numeric id is "no round", never a database error.
    round_id = SelectField(_l("A past round's ballots"), coerce=lambda v: db_id(v) or 0,
                           validate_choice=False)
    upload = FileField(_l("Or upload a pabulib .pb file"))
    rules = MultiCheckboxField(_l("Rules"), validate_choice=False)
    tie_breaks = MultiCheckboxField(_l("Tie-breaks"), validate_choice=False)
    settings = MultiCheckboxField(_l("Constraints"), validate_choice=False)
