"""Who is voting: an account, or a voting code with what its holder declared.

Each voter has an *eligibility fingerprint*: an HMAC, under the server's key and for
this round only, of the normalised postcode and the date of birth they gave (code
voters on the code form, account voters on their profile). pb keeps only the
fingerprint. The database allows one counted ballot per fingerprint and round, and
the latest ballot wins: so a person who votes with a code while signed out and later
with their account (or with two codes, or two accounts) has one ballot counted, and
is told. docs/voting.md says what this catches and what it cannot.
"""

from __future__ import annotations

import hashlib
import hmac
from dataclasses import dataclass, field
from datetime import date

from flask_babel import gettext as _
from sqlalchemy import inspect as sa_inspect
from sqlalchemy import select
from sqlalchemy.orm import joinedload
from sqlalchemy.orm.attributes import set_committed_value

from pb.extensions import db
from pb.loaders import get_or_none
from pb.models import Area, PostcodeCoverage, Round, User, Ward, normalise_postcode
from pb.models.voting import BALLOT_COUNTED, Ballot, Voter, VotingCode
from pb.voting import NotEligible, codes, keys


@dataclass
class Identity:
    """A voter for one round: an account, or a voting code (with what its holder declared)."""

    key: str
    channel: str  # "account" or "code"
    ward_id: int | None
    user: User | None = None
    code_id: int | None = None
    email: str | None = None
    facts_hash: str | None = None
    # The voter slot found for ``key`` in this request, once looked up (see ``slot_of``):
    # a ballot POST reads it once, not three times.
    slot: Voter | None = field(default=None, repr=False, compare=False)
    slot_known: bool = field(default=False, repr=False, compare=False)
    # True once this request found no slot held by the account (by any channel).
    account_checked: bool = field(default=False, repr=False, compare=False)

    def remember_slot(self, slot: Voter | None) -> None:
        self.slot, self.slot_known = slot, True

    def forget_slot(self) -> None:
        """Look the slot up again (after a rollback: a concurrent request may have made it)."""
        self.slot, self.slot_known, self.account_checked = None, False, False


def facts_hash(round_: Round, postcode: str | None, born: date | None) -> str | None:
    """The eligibility fingerprint of a postcode and date of birth in ``round_``.

    Keyed (HMAC-SHA256 under the voting-code key) so that a copy of the database
    cannot be searched for a known person, and salted with the round so that the same
    person's fingerprints in two rounds do not match. None without both facts.
    """
    normal = normalise_postcode(postcode or "")
    if normal is None or born is None:
        return None
    message = f"pb-voter-facts:{round_.id}:{normal}:{born.isoformat()}".encode()
    return hmac.new(codes.code_key(), message, hashlib.sha256).hexdigest()


def age_on(born: date, today: date) -> int:
    return today.year - born.year - ((today.month, today.day) < (born.month, born.day))


def check_place_and_age(round_: Round, postcode: str | None, born: date | None,
                        whose: str = "your account") -> Ward | None:
    """The voter's ward; refuses a postcode outside the area or an age under the minimum."""
    _load_area(round_)
    normal = normalise_postcode(postcode or "")
    ward = round_.area.ward_for_postcode(normal) if normal else None
    if round_.eligibility_postcode:
        if normal is None:
            raise NotEligible(
                _("This vote is for people who live, work or study in %(area)s: add a "
                  "postcode to the form.", area=round_.area.name) if whose == "the form"
                else _("This vote is for people who live, work or study in %(area)s: add a "
                       "postcode to your account.", area=round_.area.name), field="postcode")
        if not round_.area.covers_postcode(normal):
            raise NotEligible(_(
                "The postcode %(postcode)s is outside %(area)s. This vote is only for people "
                "who live, work or study there.", postcode=normal, area=round_.area.name),
                field="postcode")
    if round_.eligibility_min_age:
        age = round_.eligibility_min_age
        if born is None:
            raise NotEligible(
                _("This vote is for people aged %(age)s or over: add a date of birth to the "
                  "form.", age=age) if whose == "the form"
                else _("This vote is for people aged %(age)s or over: add a date of birth to "
                       "your account.", age=age), field="date_of_birth")
        if age_on(born, date.today()) < age:
            raise NotEligible(_("This vote is for people aged %(age)s or over.", age=age),
                              field="date_of_birth")
    return ward


def _load_area(round_: Round) -> None:
    """The round's area with its postcode coverage and their wards, in one query (were
    three: the area, its coverage, the ward), unless this session has them already."""
    if round_.area_id is not None and "area" in sa_inspect(round_).unloaded:
        area = db.session.scalars(select(Area).where(Area.id == round_.area_id).options(
            joinedload(Area.postcode_coverage).joinedload(PostcodeCoverage.ward))).unique().one()
        set_committed_value(round_, "area", area)  # as if loaded with the round


def voter_for(round_: Round, key: str) -> Voter | None:
    return db.session.scalar(select(Voter).where(Voter.round_id == round_.id,
                                                 Voter.voter_key == key))


def slot_of(round_: Round, identity: Identity) -> Voter | None:
    """The identity's voter slot in the round (None before their first ballot), read once
    per request; ``Identity.forget_slot`` makes the next call read it again."""
    if not identity.slot_known:
        identity.remember_slot(voter_for(round_, identity.key))
    return identity.slot


def account_slot(round_: Round, user: User) -> Voter | None:
    """The voter slot a signed-in person already has in the round, by either channel."""
    return db.session.scalar(select(Voter).where(
        Voter.round_id == round_.id, Voter.account_key == keys.account_key(round_.id, user.id)))


def _slot_code_id(round_: Round, user: User, slot: Voter) -> int | None:
    """The code a signed-in person voted with: one they claimed in this round whose keyed
    key is the slot's (the slot itself never names it)."""
    if slot.channel != "code":
        return None
    claimed = db.session.scalars(select(VotingCode.id).where(
        VotingCode.round_id == round_.id, VotingCode.used_by_user_id == user.id))
    return next((code_id for code_id in claimed
                 if keys.code_key(round_.id, code_id) == slot.voter_key), None)


def _slot_identity(round_: Round, user: User, slot: Voter) -> Identity:
    facts = db.session.scalar(select(Ballot.facts_hash).where(
        Ballot.voter_id == slot.id, Ballot.status == BALLOT_COUNTED))
    code_id = _slot_code_id(round_, user, slot)
    identity = Identity(slot.voter_key, slot.channel, slot.ward_id, user=user, code_id=code_id,
                        email=user.email, facts_hash=facts)
    identity.remember_slot(slot)
    return identity


def account_identity(round_: Round, user: User) -> Identity:
    """The signed-in person as a voter in this round, or NotEligible saying why not.

    Someone who has voted already (with their account, or with a code while signed in)
    keeps that slot, so their next ballot replaces the last.
    """
    slot = account_slot(round_, user)
    if slot is not None:
        return _slot_identity(round_, user, slot)
    if round_.voter_verification == "code":
        raise NotEligible(_("This vote uses voting codes handed out by the partnership: enter "
                            "yours below."))
    if not user.is_verified:
        raise NotEligible(_("Confirm your email address first: we sent you a link when you "
                            "registered (you can ask for a new one on your account page)."))
    ward = check_place_and_age(round_, user.postcode, user.date_of_birth)
    if round_.voter_verification == "account_or_code" and (
            user.postcode is None or user.date_of_birth is None):
        # Without both, a code used by the same person could not be matched to them.
        missing = "postcode" if user.postcode is None else "date_of_birth"
        raise NotEligible(_("This vote also takes voting codes, so that each person's ballot "
                            "counts once we need your postcode and date of birth: add them to "
                            "your account."), field=missing)
    identity = Identity(keys.account_key(round_.id, user.id), "account",
                        ward.id if ward else None, user=user, email=user.email,
                        facts_hash=facts_hash(round_, user.postcode, user.date_of_birth))
    # No slot by account key, so none by the same key as voter key either.
    identity.remember_slot(None)
    identity.account_checked = True
    return identity


def code_identity(round_: Round, claim: dict, user: User | None) -> Identity | None:
    """A code entered earlier in this browser (see ``redeem.redeem_code``), if still good."""
    code_id = claim.get("code_id")
    code = get_or_none(VotingCode, code_id) if isinstance(code_id, int) else None
    if code is None or code.round_id != round_.id:
        return None
    ward_id = claim.get("ward_id")
    facts = claim.get("facts")
    return Identity(keys.code_key(round_.id, code.id), "code",
                    ward_id if isinstance(ward_id, int) else None, user=user, code_id=code.id,
                    email=user.email if user else None,
                    facts_hash=facts if isinstance(facts, str) else None)
