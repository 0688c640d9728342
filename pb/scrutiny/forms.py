"""The scrutiny area's one form: an interest declared in a round."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import TextAreaField
from wtforms.validators import InputRequired, Length

from pb.scrutiny.interests import NATURE_MAX


class RoundInterestForm(FlaskForm):
    nature = TextAreaField(_l("What is the interest?"), validators=[
        InputRequired(_l("Say what the interest is.")), Length(max=NATURE_MAX)])
