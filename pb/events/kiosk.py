"""Voting on an enrolled tablet: enter the code, vote, thank you, and the next person.

A tablet takes codes handed out at a check-in desk of the round: the desk checked the
voter's eligibility and bound the code to their ward (and fingerprint), so the tablet
asks for nothing else. The ballot is cast by ``pb.voting.services.cast_ballot`` with
the channel "tablet" and, in the same transaction, a record of which tablet took it.

Wrong codes are slowed down per tablet and per code prefix, never per address: the
tablets in a hall share one internet connection, so one person guessing at one tablet
slows that tablet only, and the hall keeps voting. A mistyped code fails its check
character before the database is asked and costs nothing.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from flask import current_app
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import func, select

from pb import submissions, throttle
from pb.events import desk
from pb.extensions import db
from pb.models import EventVote, KioskDevice, VotingCode, VotingCodeAttempt
from pb.models.event import CHANNEL_TABLET
from pb.voting import CodeError, VotingClosed, codes
from pb.voting.casting import ACTION as CAST_ACTION
from pb.voting.services import Cast, Identity, build_paper, cast_ballot

WAIT = (_l("Several wrong codes have been typed on this tablet, so it is slowing down. Try "
        "again in {wait}, or use another tablet. If your card's code will not work, ask a "
        "member of staff."))
WRONG = (_l("That code is not right for this vote. Check it against your card and try again: it "
         "has 16 letters and numbers, like K7QM-3XHD-PW9R-TB4C."))


def _limits() -> tuple[throttle.Limit, throttle.Limit]:
    config = current_app.config
    first, window = config["THROTTLE_FIRST_DELAY"], config["THROTTLE_WINDOW"]
    # A hall tablet is shared by everyone: more free mistakes and a short cap than a
    # personal device, so one guesser cannot take it out of use for long.
    tablet = throttle.Limit("tablet", int(config.get("KIOSK_FREE_FAILURES", 10)), first,
                            config.get("KIOSK_MAX_DELAY", timedelta(minutes=2)), window)
    prefix = throttle.limit("code prefix", "CODE_FREE_FAILURES_PER_PREFIX")
    return tablet, prefix


def _failures(condition, since: datetime):
    return db.session.execute(
        select(func.count(), func.max(VotingCodeAttempt.attempted_at)).where(
            condition, VotingCodeAttempt.succeeded.is_(False),
            VotingCodeAttempt.attempted_at >= since)).one()


def check_throttles(device: KioskDevice, prefix: str | None, at: datetime) -> None:
    tablet, group = _limits()
    waits = [(tablet, *_failures(VotingCodeAttempt.device_id == device.throttle_id,
                                 at - tablet.window))]
    if prefix:
        waits.append((group, *_failures(VotingCodeAttempt.prefix == prefix, at - group.window)))
    throttle.check(waits, at, str(WAIT))


def _problem(device: KioskDevice, normal: str | None) -> tuple[VotingCode | None, str | None]:
    round_id = device.event.round_id
    code = None if normal is None else db.session.scalar(select(VotingCode).where(
        VotingCode.code_hash == codes.code_hash(normal), VotingCode.round_id == round_id))
    if code is None:
        return None, str(WRONG)
    if code.used_at is not None:
        return code, (_("That code has already been used to vote. Each code can be used once, "
                      "whichever way you vote. Ask a member of staff if you did not use it."))
    if desk.binding(round_id, code.id) is None:
        return code, (_("That card has not been checked in. Please take it to the check-in desk "
                      "first, then come back to vote."))
    return code, None


def enter_code(device: KioskDevice, raw_code: str, ip_address: str) -> dict:
    """Check a code typed on a tablet; returns the claim the tablet's session keeps."""
    if device.event.round.status != "voting":
        raise VotingClosed(_("Voting is not open at the moment. Ask a member of staff."))
    normal = codes.normalise_code(raw_code)
    at = throttle.now()
    check_throttles(device, normal[:4] if normal else None, at)
    code, problem = _problem(device, normal)
    if normal is not None:  # only well-formed codes are guesses worth counting
        db.session.add(VotingCodeAttempt(ip_address=ip_address, device_id=device.throttle_id,
                                         prefix=normal[:4], succeeded=code is not None,
                                         attempted_at=at))
    db.session.commit()
    if problem is not None:
        raise CodeError(problem, field="code")
    return {"code_id": code.id, "round_id": device.event.round_id}


def identity_for(device: KioskDevice, claim: dict) -> Identity | None:
    """The voter a tablet's claim stands for (None if the claim is not for this round)."""
    code_id = claim.get("code_id") if isinstance(claim, dict) else None
    if not isinstance(code_id, int) or claim.get("round_id") != device.event.round_id:
        return None
    check_in = desk.binding(device.event.round_id, code_id)
    if check_in is None:
        return None
    return Identity(f"code:{code_id}", "code", check_in.ward_id, code_id=code_id,
                    facts_hash=check_in.facts_hash)


def paper_for(device: KioskDevice, identity: Identity):
    return build_paper(device.event.round, identity)


def cast_on_tablet(device: KioskDevice, identity: Identity, choices: dict[int, int],
                   submission: str | None) -> Cast:
    """Store the tablet's ballot (once per form key) with the record of where it was given."""
    round_ = device.event.round

    def where(ballot) -> None:
        db.session.add(EventVote(event_id=device.event_id, ballot_id=ballot.id,
                                 channel=CHANNEL_TABLET, device_id=device.id))

    return cast_ballot(round_, identity, paper_for(device, identity), choices, None,
                       submission=submission, channel=CHANNEL_TABLET, record_with=where)


def already_received(submission: str | None) -> bool:
    """Whether a ballot form with this key was stored already (a resend after the tablet
    lost its connection, when the tablet has forgotten the code)."""
    return submissions.previous(submission, CAST_ACTION, None) is not None
