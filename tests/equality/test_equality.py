"""Equality answers: optional, checked against the census answers, and stored with
nothing that could tie them to a person or a ballot."""

from __future__ import annotations

import pytest
from sqlalchemy import inspect, select
from werkzeug.datastructures import MultiDict

from pb.equality.forms import EqualityForm
from pb.equality.services import EqualityError, record
from pb.extensions import db
from pb.models import EqualityResponse
from pb.models.equality import ETHNICITIES, QUESTIONS, label


def test_answers_are_stored_without_anything_that_links_them(app, neighbourhood):
    round_ = neighbourhood.rounds["voting"]
    hurdsfield = neighbourhood.wards["Macclesfield Hurdsfield"]
    record("voter", {"age_band": "65-74", "sex": "female", "ethnicity": "white-irish",
                     "disability": "yes-a-little", "ward_id": hurdsfield.id}, round_=round_)
    record("voter", {"age_band": "25-34", "ethnicity": "asian-pakistani"}, round_=round_)
    db.session.commit()
    rows = db.session.scalars(select(EqualityResponse)).all()
    assert {r.age_band for r in rows} == {"65-74", "25-34"}
    # Random ids, a day not a time, and no column naming a person, ballot or code.
    assert all(len(r.id) == 32 for r in rows) and rows[0].id != rows[1].id
    columns = {c["name"] for c in inspect(db.engine).get_columns("equality_responses")}
    assert not columns & {"user_id", "ballot_id", "voter_id", "code_id", "created_at"}
    assert str(inspect(db.engine).get_columns("equality_responses")[-1]["type"]) == "DATE"


def test_skipping_everything_stores_nothing(app, neighbourhood):
    assert record("attendee", {"age_band": None, "sex": ""},
                  round_=neighbourhood.rounds["voting"]) is None
    db.session.commit()
    assert db.session.scalar(select(EqualityResponse)) is None


@pytest.mark.parametrize("field, value", [
    ("age_band", "18-21"), ("sex", "unknown"), ("ethnicity", "martian"),
    ("disability", "<script>"), ("gender_same_as_birth", "maybe")])
def test_answers_not_offered_are_refused(app, neighbourhood, field, value):
    with pytest.raises(EqualityError) as refused:
        record("voter", {field: value}, round_=neighbourhood.rounds["voting"])
    assert refused.value.field == field


def test_a_ward_of_another_area_is_refused(app, neighbourhood):
    congleton = neighbourhood.other_partnership.area.wards[0]
    with pytest.raises(EqualityError) as refused:
        record("voter", {"ward_id": congleton.id}, round_=neighbourhood.rounds["voting"])
    assert refused.value.field == "ward_id"


def test_the_form_offers_the_census_answers_and_prefer_not_to_say(app):
    with app.test_request_context():
        form = EqualityForm(MultiDict({"age_band": "prefer-not", "ethnicity": "black-african"}),
                            meta={"csrf": False})
        form.ward_id.choices = [(0, "Choose a ward")]
        assert form.validate(), form.errors
        assert form.answers()["age_band"] == "prefer-not"
        assert form.answers()["sex"] is None
    assert len(ETHNICITIES) == 19  # the ONS 2021 groups
    assert label("ethnicity", "white-roma") == "Roma"
    assert label("sex", None) == "Not answered"
    assert label("disability", "prefer-not") == "Prefer not to say"
    assert set(QUESTIONS) == {"age_band", "sex", "gender_same_as_birth", "ethnicity",
                              "disability"}
