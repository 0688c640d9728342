"""Entering a voting code: checked, throttled per device, per code prefix and per address.

A wrong code is slowed down, never locked out (see ``pb.throttle``): each device (the
``pb_device`` cookie), each code prefix (its first four characters) and each address
has a few free wrong codes, then a doubling wait. Addresses get many free failures
and a short cap, so a kiosk at a community hub keeps working for everyone while one
person there guesses; the guesser's own device and the prefixes they try are slowed
much harder. Only well-formed codes count: a mistyped one fails its check character
before the database is asked, and costs nothing.
"""

from __future__ import annotations

from datetime import date, datetime

from flask_babel import gettext as _
from sqlalchemy import func, select

from pb import audit, throttle
from pb.extensions import db
from pb.models import Round, User
from pb.models.voting import VotingCode, VotingCodeAttempt
from pb.voting import CodeError, VotingClosed, codes
from pb.voting.identity import account_slot, check_place_and_age, facts_hash


def _failures(condition, since: datetime) -> tuple[int, datetime | None]:
    count, last = db.session.execute(
        select(func.count(), func.max(VotingCodeAttempt.attempted_at)).where(
            condition, VotingCodeAttempt.succeeded.is_(False),
            VotingCodeAttempt.attempted_at >= since)).one()
    return count or 0, last


def check_throttles(ip_address: str, device_id: str | None, prefix: str | None,
                    at: datetime) -> None:
    address = throttle.limit("connection", "CODE_FREE_FAILURES_PER_ADDRESS",
                             "THROTTLE_MAX_DELAY_PER_ADDRESS")
    waits = [(address, *_failures(VotingCodeAttempt.ip_address == ip_address,
                                  at - address.window))]
    if device_id:
        device = throttle.limit("device", "CODE_FREE_FAILURES_PER_DEVICE")
        waits.append((device, *_failures(VotingCodeAttempt.device_id == device_id,
                                         at - device.window)))
    if prefix:
        group = throttle.limit("code prefix", "CODE_FREE_FAILURES_PER_PREFIX")
        waits.append((group, *_failures(VotingCodeAttempt.prefix == prefix,
                                        at - group.window)))
    throttle.check(waits, at, _("There have been several wrong voting codes, so pb is slowing "
                                "down guesses. Try again in {wait}. If your card's code will "
                                "not work, ask the partnership."))


def _find(round_: Round, normal: str | None) -> tuple[VotingCode | None, CodeError | None]:
    code = None if normal is None else db.session.scalar(select(VotingCode).where(
        VotingCode.code_hash == codes.code_hash(normal), VotingCode.round_id == round_.id))
    if code is None:
        return None, CodeError(_("That code is not right for this vote. Check it against your "
                                 "card and try again: it has 16 letters and numbers, like "
                                 "K7QM-3XHD-PW9R-TB4C."), field="code")
    if code.used_at is not None:
        return None, CodeError(_("That code has already been used. Each code can be used "
                                 "once; ask the partnership if you did not use it."),
                               field="code")
    return code, None


def redeem_code(round_: Round, raw_code: str, postcode: str | None, born: date | None,
                ip_address: str, user: User | None = None,
                device_id: str | None = None) -> dict:
    """Check a voting code and its holder's answers; returns the claim kept in the session.

    The code is marked used only when a ballot is cast with it (in that transaction).
    A wrong code gets the same message whether or not it belongs to another round.
    """
    if round_.status != "voting":
        raise VotingClosed(_("Voting is not open in this round."))
    normal = codes.normalise_code(raw_code)
    at = throttle.now()
    check_throttles(ip_address, device_id, normal[:4] if normal else None, at)
    if user is not None and account_slot(round_, user) is not None:
        raise CodeError(_("You have already voted in this round while signed in, so you do "
                          "not need a code: your ballot is on the voting page, and you can "
                          "change it there."))
    code, problem = _find(round_, normal)
    if normal is not None:  # only well-formed codes are guesses worth counting
        db.session.add(VotingCodeAttempt(ip_address=ip_address, device_id=device_id,
                                         prefix=normal[:4], succeeded=problem is None,
                                         attempted_at=at))
    if problem is not None:
        audit.record("voting_code.rejected", round_, after={"ip_address": ip_address},
                     actor=user)
        db.session.commit()
        raise problem
    db.session.commit()
    ward = check_place_and_age(round_, postcode, born, whose="the form")
    return {"code_id": code.id, "ward_id": ward.id if ward else None,
            "facts": facts_hash(round_, postcode, born)}
