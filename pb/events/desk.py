"""The check-in desk: who may vote, the code each person is handed, and a warning on a
second check-in with the same details.

Staff type the person's first name, postcode and age band (and, if they give it, their
date of birth), check them against the round's rules, and hand over a code: a
pre-printed card (its code typed in) or a new one printed on the spot (made through
``pb.voting.services.generate_codes``). The code is bound to the check-in's ward (the
projects on their ballot) and, with a date of birth, to their eligibility fingerprint,
so a tablet or a paper ballot needs only the code. No name is kept: only a keyed
fingerprint of the details, to warn when the same details come back.

Each check-in form carries a submission key: a double click or a refresh checks
nobody in twice and shows the same code again.
"""

from __future__ import annotations

import hashlib
import hmac
from dataclasses import dataclass, field
from datetime import date

from flask_babel import gettext as _
from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError

from pb import audit, submissions
from pb.equality import services as equality
from pb.errors import NotAllowed
from pb.events import EventConflict, EventError
from pb.extensions import db
from pb.models import CheckIn, Event, User, VotingCode, normalise_postcode
from pb.models.event import AGE_BAND_LABELS, CHECK_IN_AGE_BANDS
from pb.policy import can_issue_codes, can_work_event
from pb.templating import format_datetime
from pb.voting import codes
from pb.voting.services import age_on, facts_hash, generate_codes

ACTION = "event.checked_in"


@dataclass
class Arrival:
    """What the desk form gives."""

    first_name: str
    postcode: str
    age_band: str
    hand: str  # "card" (a pre-printed card, code typed) or "new" (printed now)
    card_code: str = ""
    born: date | None = None
    different_person: bool = False  # staff confirmed: same details, another person
    equality: dict = field(default_factory=dict)


@dataclass
class CheckedIn:
    check_in: CheckIn
    new_code: str | None  # the code printed on the spot, shown to print on a card
    repeated: bool = False


class SameDetails(EventConflict):
    """A check-in with the same first name, postcode and age band exists already."""


def details_hash(event: Event, arrival: Arrival, postcode: str) -> str:
    text = f"pb-check-in:{event.round_id}:{arrival.first_name.strip().casefold()}:" \
           f"{postcode}:{arrival.age_band}"
    return hmac.new(codes.code_key(), text.encode(), hashlib.sha256).hexdigest()


def _new_code_key(submission: str) -> str:
    """The key the on-the-spot code is made with: derived from the check-in form's key, so
    a resent form finds the same code."""
    return "desk" + hashlib.sha256(b"pb-desk-code:" + submission.encode()).hexdigest()[:40]


def _check_age(event: Event, arrival: Arrival) -> None:
    bands = {code: (lo, hi) for code, _label, lo, hi in CHECK_IN_AGE_BANDS}
    if arrival.age_band not in bands:
        raise EventError(_("Choose their age band."), field="age_band")
    lo, hi = bands[arrival.age_band]
    age = age_on(arrival.born, date.today()) if arrival.born is not None else None
    if age is not None and not lo <= age <= hi:
        right = next((label for _c, label, a, b in CHECK_IN_AGE_BANDS if a <= age <= b),
                     _("the right band"))
        raise EventError(_("That date of birth makes them %(age)d: choose “%(band)s”, or "
                           "check the date.", age=age, band=right), field="age_band")
    least = event.round.eligibility_min_age
    if not least:
        return
    if hi < least or (age is not None and age < least):
        raise EventError(_("This vote is for people aged %(age)d or over, so they cannot vote "
                           "today. They are welcome to stay for the pitches.", age=least),
                         field="age_band")
    if lo < least and arrival.born is None:
        raise EventError(_("This vote is for people aged %(age)d or over: ask their date of "
                           "birth to be sure.", age=least), field="born")


def _check_place(event: Event, postcode: str | None):
    round_ = event.round
    if postcode is None:
        raise EventError(_("Enter a UK postcode, for example SK10 2LH."), field="postcode")
    ward = round_.area.ward_for_postcode(postcode)
    if round_.eligibility_postcode and not round_.area.covers_postcode(postcode):
        raise EventError(_("%(postcode)s is outside %(area)s: this vote is only for people who "
                           "live, work or study there.", postcode=postcode,
                           area=round_.area.name), field="postcode")
    if event.ward_id is not None and (ward is None or ward.id != event.ward_id):
        raise EventError(_("This event is for %(ward)s's share of the round and %(postcode)s "
                           "is not in it. They can vote online with a code.",
                           ward=event.ward.name, postcode=postcode), field="postcode")
    return ward


def _warn_same_details(event: Event, digest: str) -> None:
    earlier = db.session.scalar(select(func.max(CheckIn.checked_in_at)).where(
        CheckIn.round_id == event.round_id, CheckIn.details_hash == digest))
    if earlier is not None:
        raise SameDetails(_(
            "Someone with the same first name, postcode and age band was checked in at "
            "%(when)s. If it is the same person, they already have a code: do not give them "
            "another. If it is someone else (a relative, say), tick “This is a different "
            "person” and check them in.", when=format_datetime(earlier)),
            field="different_person")


def _card(event: Event, raw: str) -> VotingCode:
    normal = codes.normalise_code(raw)
    code = None if normal is None else db.session.scalar(select(VotingCode).where(
        VotingCode.code_hash == codes.code_hash(normal), VotingCode.round_id == event.round_id))
    if code is None:
        raise EventError(_("That is not one of this round's voting codes: check it against the "
                         "card (16 letters and numbers)."), field="card_code")
    if code.used_at is not None:
        raise EventError(_("That card's code has already been used to vote: give them "
                         "another card."), field="card_code")
    if db.session.scalar(select(CheckIn.id).where(CheckIn.code_id == code.id)) is not None:
        raise EventError(_("That card has already been handed to someone at check-in: give them "
                         "another card."), field="card_code")
    return code


def check_in(actor: User, event: Event, arrival: Arrival, submission: str) -> CheckedIn:
    """Check a person in and bind their code; see the module docstring."""
    if not can_work_event(actor, event):
        raise NotAllowed(_("Only staff on duty at this event can check people in."))
    previous = submissions.previous(submission, ACTION, actor)
    if previous is not None:
        return _again(db.session.get(CheckIn, previous), submission)
    if event.round.status in ("closed", "results"):
        raise EventError(_("Voting in this round has closed."))
    postcode = normalise_postcode(arrival.postcode)
    ward = _check_place(event, postcode)
    _check_age(event, arrival)
    digest = details_hash(event, arrival, postcode)
    if not arrival.different_person:
        _warn_same_details(event, digest)
    if arrival.hand == "card":
        code, plain = _card(event, arrival.card_code), None
    else:
        code, plain = _new_code(actor, event, submission)
    record = CheckIn(event_id=event.id, round_id=event.round_id, code_id=code.id,
                     ward_id=ward.id if ward else None, age_band=arrival.age_band,
                     details_hash=digest, handed=arrival.hand, checked_in_by_id=actor.id,
                     facts_hash=facts_hash(event.round, postcode, arrival.born))
    try:
        db.session.add(record)
        db.session.flush()
        equality.record("attendee", arrival.equality, round_=event.round, source_id=event.id)
        submissions.record(submission, ACTION, record.id, actor)
        db.session.flush()
    except IntegrityError:
        done = submissions.after_race(submission, ACTION, actor,
                                      _("That card has just been handed to someone at another "
                                      "desk: give them another card."))
        return _again(db.session.get(CheckIn, done), submission)
    audit.record("event.checked_in", event,
                 after={"ward_id": record.ward_id, "age_band": AGE_BAND_LABELS[record.age_band],
                        "handed": record.handed, "same_details": arrival.different_person},
                 actor=actor)
    db.session.commit()
    return CheckedIn(record, codes.display_code(plain) if plain else None)


def _new_code(actor: User, event: Event, submission: str) -> tuple[VotingCode, str]:
    if not can_issue_codes(actor, event.round):
        raise NotAllowed(_("Only staff on duty can issue codes."))
    key = _new_code_key(submission)
    batch, _made = generate_codes(actor, event.round, f"{event.name}: desk, issued on the spot",
                                  1, key)
    plain = codes.sheet_code(key, 0)
    code = db.session.scalar(select(VotingCode).where(
        VotingCode.batch_id == batch.id, VotingCode.code_hash == codes.code_hash(plain)))
    return code, plain


def _again(record: CheckIn, submission: str) -> CheckedIn:
    plain = codes.sheet_code(_new_code_key(submission), 0) if record.handed == "new" else None
    return CheckedIn(record, codes.display_code(plain) if plain else None, repeated=True)


def checked_in_count(event: Event) -> int:
    return db.session.scalar(select(func.count()).select_from(CheckIn)
                             .where(CheckIn.event_id == event.id)) or 0


def binding(round_id: int, code_id: int) -> CheckIn | None:
    """The check-in a code was handed out at, in this round (tablets and paper need one)."""
    return db.session.scalar(select(CheckIn).where(CheckIn.code_id == code_id,
                                                   CheckIn.round_id == round_id))
