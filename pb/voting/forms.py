"""Voting forms: shape only (the ballot itself is read by pb.voting.designs)."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import HiddenField, IntegerField, StringField
from wtforms.validators import DataRequired, Length, NumberRange, ValidationError

from pb import submissions
from pb.auth.forms import POSTCODE, validate_uk_postcode
from pb.forms import DateInputField


class CodeForm(FlaskForm):
    code = StringField(_l("Voting code"),
                       validators=[DataRequired(_l("Enter the code from your card.")),
                                   Length(max=40)],
                       description=_l("16 letters and numbers, printed on your voting card. "
                                      "Dashes and spaces do not matter."))
    postcode = StringField(_l("Postcode where you live, work or study"),
                           validators=[DataRequired(_l("Enter your postcode.")), Length(max=10),
                                       validate_uk_postcode],
                           description=_l("For example SK10 2LH. We use it to check you can "
                                          "vote here and to show your ward's projects."),
                       render_kw=POSTCODE)
    date_of_birth = DateInputField(_l("Date of birth"),
                                   validators=[DataRequired(_l("Enter your date of birth."))],
                                   past=True, autocomplete="bday",
                                   description=_l("For example, 27 3 1984. With your postcode, "
                                                  "it makes sure each person's ballot counts "
                                                  "once. Neither is kept: pb keeps only a "
                                                  "scrambled fingerprint of the two."))


class CodeBatchForm(FlaskForm):
    label = StringField(_l("Label for this batch"),
                        validators=[DataRequired(_l("Say where these codes will go.")),
                                    Length(max=120)],
                        description=_l("For example: Hurdsfield library, or Decision day "
                                       "table 3."))
    count = IntegerField(_l("How many codes"),
                         validators=[DataRequired(_l("Enter how many codes to make.")),
                                     NumberRange(min=1, max=2000,
                                                 message=_l("Make between 1 and 2,000 codes."))])
    # The idempotency key: sending this form twice makes one batch (pb.submissions).
    submission = HiddenField()

    def validate_submission(self, field):
        if not submissions.is_key(field.data):
            raise ValidationError(_l("This form is out of date. Reload the page and try again."))
