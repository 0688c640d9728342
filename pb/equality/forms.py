"""The equality questions as a form: every answer optional, each with "Prefer not to say"."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import RadioField, SelectField
from wtforms.validators import Optional

from pb.equality.words import WORDS
from pb.models.equality import (
    AGE_BANDS,
    DISABILITY,
    ETHNICITIES,
    GENDER_SAME,
    PREFER_NOT,
    QUESTIONS,
    SEXES,
)


def _choices(answers) -> list:
    """(code, words), the words in the reader's language (lazy: fixed at import)."""
    return [(code, WORDS[text]) for code, text in answers]


def _radio(field: str, answers) -> RadioField:
    return RadioField(WORDS[QUESTIONS[field][0]], choices=_choices([*answers, PREFER_NOT]),
                      validators=[Optional()], validate_choice=True)


def _ethnicity_choices() -> list:
    # Flat for validation; templates/equality/_questions.html groups them under the
    # census headings with <optgroup>.
    return [("", _l("Choose an ethnic group (optional)")), *_choices([*ETHNICITIES, PREFER_NOT])]


class EqualityForm(FlaskForm):
    """Optional questions; ``ward_id`` choices are the round's wards, set by the view."""

    age_band = _radio("age_band", AGE_BANDS)
    sex = _radio("sex", SEXES)
    gender_same_as_birth = _radio("gender_same_as_birth", GENDER_SAME)
    ethnicity = SelectField(WORDS[QUESTIONS["ethnicity"][0]], choices=_ethnicity_choices(),
                            validators=[Optional()])
    disability = _radio("disability", DISABILITY)
    ward_id = SelectField(_l("Which ward do you live in?"), coerce=int, validators=[Optional()],
                          validate_choice=False)

    def answers(self) -> dict:
        """The answers given, ready for ``services.record`` (skipped questions are None)."""
        return {name: (getattr(self, name).data or None) for name in
                ("age_band", "sex", "gender_same_as_birth", "ethnicity", "disability",
                 "ward_id")}
