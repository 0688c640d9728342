"""Demo figures for the scrutiny dashboard: ward populations, the area's population
profile, and equality answers from voters (the three rounds with ballots), decision-day
attendees and people helped by the funded projects.

The populations are illustrative, in the shape of the Census 2021 tables, not the real
figures. The answers are drawn from fixed weights with a fixed seed, so every run gives
the same figures; some groups are small on purpose, so the dashboard shows "<5" and
"[c]" cells. Idempotent: populations are set only where missing, and answers are added
only when the demo has none.
"""

from __future__ import annotations

import random
from datetime import timedelta

from sqlalchemy import func, select

from pb.extensions import db
from pb.models import AreaProfile, Ballot, CheckIn, EqualityResponse, Event, Grant, Ward

SEED = "pb-demo-scrutiny-2026"
SOURCE = "Illustrative figures in the shape of Census 2021 (demo data, not official)"
WARD_POPULATIONS = {
    "Macclesfield Central": 8_400, "Macclesfield Hurdsfield": 6_100,
    "Macclesfield Tytherington": 7_300, "Macclesfield South": 6_900,
    "Macclesfield West and Ivy": 7_700, "Broken Cross and Upton": 8_200,
}
# (answer code, share of the area in per cent, weight among voters, weight at events).
AGES = [("under-16", 17, 1, 3), ("16-24", 9, 6, 4), ("25-34", 12, 14, 6),
        ("35-44", 12, 17, 10), ("45-54", 13, 18, 12), ("55-64", 14, 17, 16),
        ("65-74", 12, 16, 27), ("75-plus", 11, 11, 22)]
SEXES = [("female", 51, 56, 60), ("male", 49, 42, 38), ("prefer-not", 0, 2, 2)]
GENDER = [("yes", 99, 96, 97), ("no", 1, 1, 1), ("prefer-not", 0, 3, 2)]
ETHNICITY = [("white-british", 90, 86, 91), ("white-other", 3, 4, 2),
             ("white-irish", 1, 1, 1), ("asian-indian", 1.5, 2, 1),
             ("asian-pakistani", 0.5, 1, 0.5), ("asian-chinese", 0.5, 1, 0.5),
             ("black-african", 0.8, 1, 0.5), ("black-caribbean", 0.4, 0.5, 0.5),
             ("mixed-white-asian", 0.8, 1, 0.5), ("mixed-other", 0.5, 0.5, 0.5),
             ("other-arab", 0.3, 0.5, 0), ("prefer-not", 0, 2, 2)]
DISABILITY = [("yes-a-lot", 8, 6, 12), ("yes-a-little", 11, 10, 16), ("no", 81, 82, 70),
              ("prefer-not", 0, 2, 2)]
QUESTIONS = {"age_band": AGES, "sex": SEXES, "gender_same_as_birth": GENDER,
             "ethnicity": ETHNICITY, "disability": DISABILITY}
ANSWER_RATE = {"voter": 0.7, "attendee": 0.6, "beneficiary": 1.0}


def seed(area, partnership, rounds) -> None:
    from pb.demo import ROUND_DECISION_DAY, ROUND_OPEN_VOTE, ROUND_PAST

    wards = {w.name: w for w in db.session.scalars(select(Ward).where(Ward.area_id == area.id))}
    for name, people in WARD_POPULATIONS.items():
        if name in wards and wards[name].population is None:
            wards[name].population = people
    seed_profile(area, sum(WARD_POPULATIONS.values()))
    db.session.flush()
    if db.session.scalar(select(func.count()).select_from(EqualityResponse)):
        return
    # Waiver for bandit B311: repeatable demo data, not a secret.
    rng = random.Random(SEED)  # nosec B311
    for round_ in (rounds[ROUND_DECISION_DAY], rounds[ROUND_OPEN_VOTE]):
        seed_voters(rng, round_, list(wards.values()))
    seed_attendees(rng, rounds[ROUND_DECISION_DAY])
    seed_beneficiaries(rng, rounds[ROUND_DECISION_DAY], list(wards.values()))
    # Last year's voters come after the others, so adding them changed no earlier draw.
    seed_voters(rng, rounds[ROUND_PAST], list(wards.values()))
    db.session.flush()


def seed_profile(area, population: int) -> None:
    have = set(db.session.execute(select(AreaProfile.field, AreaProfile.category)
                                  .where(AreaProfile.area_id == area.id)).all())
    for field, answers in QUESTIONS.items():
        for code, share, _voters, _events in answers:
            if share and (field, code) not in have:
                db.session.add(AreaProfile(area_id=area.id, field=field, category=code,
                                           population=round(population * share / 100),
                                           source=SOURCE))


def answers(rng: random.Random, column: int) -> dict:
    """One person's answers (``column`` 2: voters' weights, 3: event attendees'); about
    one in twenty questions skipped."""
    found = {}
    for field, options in QUESTIONS.items():
        if rng.random() < 0.05:
            found[field] = None
            continue
        found[field] = rng.choices([o[0] for o in options], [o[column] for o in options])[0]
    return found


def seed_voters(rng: random.Random, round_, wards: list[Ward]) -> None:
    """About 70% of the round's counted ballots answered, on the day they voted (counts
    only: nothing ties an answer to a ballot)."""
    days = db.session.scalars(select(Ballot.cast_at).where(
        Ballot.round_id == round_.id, Ballot.status == "counted")).all()
    for cast_at in days:
        if rng.random() < ANSWER_RATE["voter"]:
            db.session.add(EqualityResponse(
                context="voter", round_id=round_.id, ward_id=rng.choice(wards).id,
                recorded_on=cast_at.date(), **answers(rng, 2)))


def seed_attendees(rng: random.Random, round_) -> None:
    event = db.session.scalar(select(Event).where(Event.round_id == round_.id)
                              .order_by(Event.id))
    if event is None:
        return
    checked_in = db.session.scalar(select(func.count()).select_from(CheckIn)
                                   .where(CheckIn.event_id == event.id)) or 0
    for _ in range(round(checked_in * ANSWER_RATE["attendee"])):
        db.session.add(EqualityResponse(
            context="attendee", round_id=round_.id, source_id=event.id,
            recorded_on=event.starts_at.date(), **answers(rng, 3)))


def seed_beneficiaries(rng: random.Random, round_, wards: list[Ward]) -> None:
    """A dozen people helped by each of the first few funded projects (older, as the
    projects' users are)."""
    grants = db.session.scalars(select(Grant).where(Grant.round_id == round_.id)
                                .order_by(Grant.id).limit(6)).all()
    for grant in grants:
        ward = grant.wards[0] if grant.wards else rng.choice(wards)
        for _ in range(12):
            db.session.add(EqualityResponse(
                context="beneficiary", round_id=round_.id, source_id=grant.id,
                ward_id=ward.id, recorded_on=grant.award_date + timedelta(days=90),
                **answers(rng, 3)))
