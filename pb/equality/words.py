"""The equality questions and answers in the reader's language.

The English words live in ``pb.models.equality`` (stored codes, exports and dashboards use
them); pages and forms show them through ``translated``. tests/i18n checks that every
question, answer and heading there has an entry here."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l

from pb.models.equality import ETHNIC_GROUPS

WORDS = {
    "What is your age?": _l("What is your age?"),
    "What is your sex?": _l("What is your sex?"),
    "Is the gender you identify with the same as your sex registered at birth?":
        _l("Is the gender you identify with the same as your sex registered at birth?"),
    "What is your ethnic group?": _l("What is your ethnic group?"),
    "Do you have any physical or mental health conditions or illnesses lasting or expected to last 12 months or more that reduce your ability to carry out day-to-day activities?":
        _l("Do you have any physical or mental health conditions or illnesses lasting or expected to last 12 months or more that reduce your ability to carry out day-to-day activities?"),
    "Under 16": _l("Under 16"),
    "16 to 24": _l("16 to 24"),
    "25 to 34": _l("25 to 34"),
    "35 to 44": _l("35 to 44"),
    "45 to 54": _l("45 to 54"),
    "55 to 64": _l("55 to 64"),
    "65 to 74": _l("65 to 74"),
    "75 or over": _l("75 or over"),
    "Female": _l("Female"),
    "Male": _l("Male"),
    "Yes": _l("Yes"),
    "No": _l("No"),
    "Yes, limited a lot": _l("Yes, limited a lot"),
    "Yes, limited a little": _l("Yes, limited a little"),
    "Prefer not to say": _l("Prefer not to say"),
    "Asian, Asian British or Asian Welsh": _l("Asian, Asian British or Asian Welsh"),
    "Bangladeshi": _l("Bangladeshi"),
    "Chinese": _l("Chinese"),
    "Indian": _l("Indian"),
    "Pakistani": _l("Pakistani"),
    "Any other Asian background": _l("Any other Asian background"),
    "Black, Black British, Black Welsh, Caribbean or African":
        _l("Black, Black British, Black Welsh, Caribbean or African"),
    "African": _l("African"),
    "Caribbean": _l("Caribbean"),
    "Any other Black, Black British or Caribbean background":
        _l("Any other Black, Black British or Caribbean background"),
    "Mixed or multiple ethnic groups": _l("Mixed or multiple ethnic groups"),
    "White and Asian": _l("White and Asian"),
    "White and Black African": _l("White and Black African"),
    "White and Black Caribbean": _l("White and Black Caribbean"),
    "Any other Mixed or multiple ethnic background":
        _l("Any other Mixed or multiple ethnic background"),
    "White": _l("White"),
    "English, Welsh, Scottish, Northern Irish or British":
        _l("English, Welsh, Scottish, Northern Irish or British"),
    "Irish": _l("Irish"),
    "Gypsy or Irish Traveller": _l("Gypsy or Irish Traveller"),
    "Roma": _l("Roma"),
    "Any other White background": _l("Any other White background"),
    "Other ethnic group": _l("Other ethnic group"),
    "Arab": _l("Arab"),
    "Any other ethnic group": _l("Any other ethnic group"),
}


def translated(text: str) -> str:
    """The words in the language of the request (unchanged when not listed)."""
    return str(WORDS[text]) if text in WORDS else text


def ethnic_groups() -> list[tuple[str, list[tuple[str, str]]]]:
    """The census headings and groups, translated, for the form's <optgroup>s."""
    return [(translated(heading), [(code, translated(text)) for code, text in groups])
            for heading, groups in ETHNIC_GROUPS]
