"""Voting use cases: who may vote, what their ballot paper holds, casting and receipts.

Each use case checks role and state, changes the models, records the audit entry
and commits once; problems are raised as ``VotingError`` subclasses that the views
turn into messages.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from datetime import date, timedelta

from flask import current_app, url_for
from sqlalchemy import func, select, update
from sqlalchemy.exc import IntegrityError

from pb import audit
from pb.errors import Conflict, DomainError, Throttled
from pb.extensions import db
from pb.mail import send_mail
from pb.models import Proposal, Round, User, Ward, normalise_postcode
from pb.models.base import utcnow
from pb.models.proposal import ON_BALLOT
from pb.models.voting import (
    BALLOT_COUNTED,
    BALLOT_SUPERSEDED,
    Ballot,
    BallotChoice,
    Voter,
    VotingCode,
    VotingCodeAttempt,
    VotingCodeBatch,
)
from pb.voting import codes
from pb.voting.designs import PaperProject, Problems, Rules, Section, check_ballot

CODE_MAX_FAILURES_PER_IP = 10
CODE_THROTTLE_WINDOW = timedelta(minutes=15)
MAX_BATCH = 2000


class VotingError(DomainError):
    """A refusal the voter can act on; ``message`` says what to do."""


class NotEligible(VotingError):
    status = 403


class VotingClosed(VotingError):
    status = 400


class AlreadyVoted(VotingError):
    status = Conflict.status


class CodeError(VotingError):
    status = 400


class Throttled(VotingError):
    status = Throttled.status


class BallotProblems(VotingError):
    def __init__(self, problems: Problems):
        super().__init__("Your ballot needs changing before it can be counted.")
        self.problems = problems


# Who is voting -----------------------------------------------------------------------------

@dataclass
class Identity:
    """A voter for one round: an account, or a voting code (with what its holder declared)."""

    key: str
    channel: str  # "account" or "code"
    ward_id: int | None
    user: User | None = None
    code_id: int | None = None
    email: str | None = None


def age_on(born: date, today: date) -> int:
    return today.year - born.year - ((today.month, today.day) < (born.month, born.day))


def check_place_and_age(round_: Round, postcode: str | None, born: date | None,
                        whose: str = "your account") -> Ward | None:
    """The voter's ward; refuses a postcode outside the area or an age under the minimum."""
    normal = normalise_postcode(postcode or "")
    ward = round_.area.ward_for_postcode(normal) if normal else None
    if round_.eligibility_postcode:
        if normal is None:
            raise NotEligible(f"This vote is for people who live, work or study in "
                              f"{round_.area.name}: add a postcode to {whose}.", field="postcode")
        if not round_.area.covers_postcode(normal):
            raise NotEligible(
                f"The postcode {normal} is outside {round_.area.name}. This vote is only for "
                f"people who live, work or study there.", field="postcode")
    if round_.eligibility_min_age:
        if born is None:
            raise NotEligible(f"This vote is for people aged {round_.eligibility_min_age} or "
                              f"over: add a date of birth to {whose}.", field="date_of_birth")
        if age_on(born, date.today()) < round_.eligibility_min_age:
            raise NotEligible(f"This vote is for people aged {round_.eligibility_min_age} or "
                              "over.", field="date_of_birth")
    return ward


def account_identity(round_: Round, user: User) -> Identity:
    """The signed-in person as a voter in this round, or NotEligible saying why not."""
    linked = db.session.scalar(select(VotingCode).where(
        VotingCode.round_id == round_.id, VotingCode.used_by_user_id == user.id))
    if linked is not None:
        voter = _voter(round_, f"code:{linked.id}")
        return Identity(f"code:{linked.id}", "code", voter.ward_id if voter else None,
                        user=user, code_id=linked.id, email=user.email)
    if round_.voter_verification == "code":
        raise NotEligible("This vote uses voting codes handed out by the partnership: enter "
                          "yours below.")
    if not user.is_verified:
        raise NotEligible("Confirm your email address first: we sent you a link when you "
                          "registered (you can ask for a new one on your account page).")
    ward = check_place_and_age(round_, user.postcode, user.date_of_birth)
    return Identity(f"user:{user.id}", "account", ward.id if ward else None, user=user,
                    email=user.email)


def code_identity(round_: Round, claim: dict, user: User | None) -> Identity | None:
    """A code redeemed earlier in this browser session (see ``redeem_code``)."""
    code = db.session.get(VotingCode, claim.get("code_id"))
    if code is None or code.round_id != round_.id:
        return None
    return Identity(f"code:{code.id}", "code", claim.get("ward_id"), user=user,
                    code_id=code.id, email=user.email if user else None)


def _recent_code_failures(ip_address: str) -> int:
    since = utcnow() - current_app.config.get("VOTING_CODE_THROTTLE_WINDOW",
                                              CODE_THROTTLE_WINDOW)
    return db.session.scalar(select(func.count()).select_from(VotingCodeAttempt).where(
        VotingCodeAttempt.ip_address == ip_address, VotingCodeAttempt.succeeded.is_(False),
        VotingCodeAttempt.attempted_at >= since)) or 0


def redeem_code(round_: Round, raw_code: str, postcode: str | None, born: date | None,
                ip_address: str, user: User | None = None) -> dict:
    """Check a voting code and its holder's answers; returns the claim kept in the session.

    The code is marked used only when a ballot is cast with it (in that transaction).
    A wrong code gets the same message whether or not it belongs to another round.
    """
    limit = current_app.config.get("VOTING_CODE_MAX_FAILURES_PER_IP", CODE_MAX_FAILURES_PER_IP)
    if _recent_code_failures(ip_address) >= limit:
        raise Throttled("Too many wrong codes from this connection. Wait 15 minutes and try "
                        "again, or ask the partnership for help.")
    if round_.status != "voting":
        raise VotingClosed("Voting is not open in this round.")
    if user is not None and _voter(round_, f"user:{user.id}") is not None:
        raise CodeError("You have already voted with your account, so you do not need a code: "
                        "your ballot is on the voting page, and you can change it there.")
    normal = codes.normalise_code(raw_code)
    code = None
    if normal is not None:
        code = db.session.scalar(select(VotingCode).where(
            VotingCode.code_hash == codes.code_hash(normal), VotingCode.round_id == round_.id))
    problem = None
    if code is None:
        problem = CodeError("That code is not right for this vote. Check it against your card "
                            "and try again: it has 16 letters and numbers, like "
                            "K7QM-3XHD-PW9R-TB4C.", field="code")
    elif code.used_at is not None and not (user is not None and code.used_by_user_id == user.id):
        problem = CodeError("That code has already been used. Each code can be used once; ask "
                            "the partnership if you did not use it.", field="code")
    db.session.add(VotingCodeAttempt(ip_address=ip_address, succeeded=problem is None))
    if problem is not None:
        audit.record("voting_code.rejected", round_, after={"ip_address": ip_address})
        db.session.commit()
        raise problem
    db.session.commit()
    ward = check_place_and_age(round_, postcode, born, whose="the form")
    return {"code_id": code.id, "ward_id": ward.id if ward else None}


# The ballot paper ----------------------------------------------------------------------

@dataclass
class Paper:
    """What one voter sees: the projects in their own random order, and the money per section."""

    round: Round
    rules: Rules
    projects: list[PaperProject]
    proposals: dict[int, Proposal]
    sections: list[Section]
    other_wards: list[Ward] = field(default_factory=list)  # own_ward_and_one_other choices
    other_ward_id: int | None = None
    own_ward: Ward | None = None

    @property
    def ids(self) -> set[int]:
        return {p.id for p in self.projects}


def ballot_proposals(round_: Round) -> list[Proposal]:
    return list(db.session.scalars(select(Proposal).where(
        Proposal.round_id == round_.id, Proposal.status.in_(ON_BALLOT)).order_by(Proposal.id)))


def _ward_ids(proposal: Proposal) -> set[int]:
    return {w.id for w in proposal.wards}


def is_area_wide(proposal: Proposal) -> bool:
    return bool(proposal.is_area_wide or not proposal.wards)


def build_paper(round_: Round, identity: Identity, other_ward_id: int | None = None) -> Paper:
    rules = Rules.of_round(round_)
    proposals = ballot_proposals(round_)
    percent = round_.ballot_budget_percent or 100
    own = db.session.get(Ward, identity.ward_id) if identity.ward_id else None
    other_wards: list[Ward] = []
    sections: list[Section] = []
    chosen: list[tuple[Proposal, str]] = []
    if round_.has_ward_budgets:
        budgeted = {wb.ward_id: wb for wb in round_.ward_budgets}
        wards_shown = [own.id] if own is not None else []
        if round_.ward_ballot == "own_ward_and_one_other":
            other_wards = [wb.ward for wb in sorted(round_.ward_budgets, key=lambda w: w.ward.name)
                           if own is None or wb.ward_id != own.id]
            if other_ward_id not in {w.id for w in other_wards}:
                other_ward_id = None
            if other_ward_id:
                wards_shown.append(other_ward_id)
        else:
            other_ward_id = None
        for ward_id in wards_shown:
            if ward_id not in budgeted:
                continue
            ward = budgeted[ward_id].ward
            sections.append(Section(f"ward-{ward_id}", f"{ward.name} projects",
                                    budgeted[ward_id].budget_pence * percent // 100))
            chosen += [(p, f"ward-{ward_id}") for p in proposals
                       if not is_area_wide(p) and ward_id in _ward_ids(p)
                       and p not in [c[0] for c in chosen]]
        if round_.ward_ballot == "own_ward_and_area" or own is None:
            area_wide = [p for p in proposals if is_area_wide(p)]
            if area_wide:
                sections.append(Section("area", f"Projects for the whole of {round_.area.name}",
                                        round_.area_wide_budget_pence * percent // 100))
                chosen += [(p, "area") for p in area_wide]
    else:
        sections.append(Section("all", "Your budget", round_.budget_pence * percent // 100))
        chosen = [(p, "all") for p in proposals]
    chosen.sort(key=lambda pair: codes.order_key(identity.key, pair[0].id))
    return Paper(round_, rules,
                 [PaperProject(p.id, p.title, p.cost_pence, key) for p, key in chosen],
                 {p.id: p for p, _ in chosen}, sections, other_wards, other_ward_id, own)


# Casting --------------------------------------------------------------------------------

def _voter(round_: Round, key: str) -> Voter | None:
    return db.session.scalar(select(Voter).where(Voter.round_id == round_.id,
                                                 Voter.voter_key == key))


def current_ballot(round_: Round, identity: Identity) -> Ballot | None:
    voter = _voter(round_, identity.key)
    if voter is None:
        return None
    return db.session.scalar(select(Ballot).where(Ballot.voter_id == voter.id,
                                                  Ballot.status == BALLOT_COUNTED))


def _already_voted() -> AlreadyVoted:
    return AlreadyVoted("You have already voted, perhaps in another tab or window. Your latest "
                        "ballot is the one that counts: it is shown below, and you can still "
                        "change it until voting closes.")


def cast_ballot(round_: Round, identity: Identity, paper: Paper, choices: dict[int, int],
                replaces: int | None, entered_by: User | None = None) -> tuple[Ballot, str]:
    """Store a ballot (or replace the voter's current one); returns it and its receipt code.

    ``replaces`` is the id of the ballot the voter was looking at when they filled the
    form (None for a first ballot). If their counted ballot has changed since (another tab
    won), the ballot is refused with AlreadyVoted, so two tabs never both count.
    """
    if round_.status != "voting":
        raise VotingClosed("Voting in this round is closed, so your ballot was not recorded.")
    problems = check_ballot(paper.rules, paper.projects, paper.sections, choices)
    if problems:
        raise BallotProblems(problems)
    receipt = codes.new_receipt()
    try:
        voter = _voter(round_, identity.key)
        previous = None
        if voter is None:
            if replaces:
                raise _already_voted()
            voter = Voter(round_id=round_.id, voter_key=identity.key, channel=identity.channel,
                          ward_id=identity.ward_id)
            db.session.add(voter)
            db.session.flush()
            if identity.code_id is not None:
                claimed = db.session.execute(
                    update(VotingCode).where(VotingCode.id == identity.code_id,
                                             VotingCode.used_at.is_(None))
                    .values(used_at=utcnow(),
                            used_by_user_id=identity.user.id if identity.user else None))
                if claimed.rowcount != 1:
                    db.session.rollback()
                    raise CodeError("That code has already been used. Each code can be used "
                                    "once.", field="code")
        else:
            previous = db.session.scalar(select(Ballot.id).where(
                Ballot.voter_id == voter.id, Ballot.status == BALLOT_COUNTED))
            if previous != replaces:
                raise _already_voted()
            if previous is not None:
                result = db.session.execute(
                    update(Ballot).where(Ballot.id == previous, Ballot.status == BALLOT_COUNTED)
                    .values(status=BALLOT_SUPERSEDED, superseded_at=utcnow()))
                if result.rowcount != 1:
                    raise _already_voted()
            if identity.ward_id and voter.ward_id != identity.ward_id:
                voter.ward_id = identity.ward_id
        ballot = Ballot(round_id=round_.id, voter_id=voter.id, status=BALLOT_COUNTED,
                        channel=identity.channel, receipt_hash=codes.receipt_hash(receipt),
                        other_ward_id=paper.other_ward_id,
                        entered_by_id=entered_by.id if entered_by else None)
        design = paper.rules.design
        for pid, value in sorted(choices.items()):
            if not value:
                continue
            ballot.choices.append(BallotChoice(
                proposal_id=pid,
                points=value if design in ("points", "scores") else None,
                rank=value if design == "ranking" else None))
        db.session.add(ballot)
        db.session.flush()
        audit.record("ballot.changed" if previous else "ballot.cast", round_,
                     after={"channel": identity.channel, "receipt_hash": ballot.receipt_hash},
                     actor=entered_by or identity.user)
        db.session.commit()
    except IntegrityError:
        db.session.rollback()
        raise _already_voted() from None
    except AlreadyVoted:
        db.session.rollback()
        raise
    if identity.email:
        _email_receipt(round_, identity.email, receipt)
    return ballot, receipt


def _email_receipt(round_: Round, email: str, receipt: str) -> None:
    try:
        link = url_for("voting.receipts", round_id=round_.id, _external=True)
    except RuntimeError:  # pragma: no cover - outside a request without SERVER_NAME
        link = f"/rounds/{round_.id}/receipts"
    send_mail(email, f"Your ballot in {round_.name} was received",
              f"Thank you for voting in {round_.name}.\n\n"
              f"Your receipt code is: {display_receipt(receipt)}\n\n"
              f"To check your ballot is counted, look it up at {link}\n"
              "The receipt does not show how you voted. If you did not vote, or you get a "
              "receipt you do not recognise, contact the partnership.\n")


def display_receipt(receipt: str) -> str:
    return codes.display_code(codes.normalise_receipt(receipt), 4)


# Receipts and turnout ------------------------------------------------------------------

def counted_receipt_hashes(round_: Round) -> list[str]:
    return list(db.session.scalars(select(Ballot.receipt_hash).where(
        Ballot.round_id == round_.id, Ballot.status == BALLOT_COUNTED)
        .order_by(Ballot.receipt_hash)))


def look_up_receipt(round_: Round, raw: str) -> Ballot | None:
    if not codes.normalise_receipt(raw):
        return None
    return db.session.scalar(select(Ballot).where(
        Ballot.round_id == round_.id, Ballot.receipt_hash == codes.receipt_hash(raw)))


def turnout(round_: Round) -> dict:
    """Counts only: by channel, by ward and by day. Never who voted for what."""
    counted = select(Ballot).where(Ballot.round_id == round_.id,
                                   Ballot.status == BALLOT_COUNTED).subquery()
    by_channel = dict(db.session.execute(
        select(counted.c.channel, func.count()).group_by(counted.c.channel)).all())
    ward_rows = db.session.execute(
        select(Ward.name, func.count()).select_from(counted)
        .join(Voter, Voter.id == counted.c.voter_id)
        .outerjoin(Ward, Ward.id == Voter.ward_id).group_by(Ward.name)).all()
    by_ward = sorted(((name or "No ward (postcode not in a ward)", n) for name, n in ward_rows),
                     key=lambda kv: kv[0])
    first_cast = select(Voter.id.label("voter_id"), func.min(Ballot.cast_at).label("first")) \
        .join(Ballot, Ballot.voter_id == Voter.id).where(Voter.round_id == round_.id) \
        .group_by(Voter.id).subquery()
    days: Counter = Counter()
    for (first,) in db.session.execute(select(first_cast.c.first)):
        days[first.date()] += 1
    changed = db.session.scalar(select(func.count()).select_from(Ballot).where(
        Ballot.round_id == round_.id, Ballot.status == BALLOT_SUPERSEDED)) or 0
    return {"total": sum(by_channel.values()), "by_channel": by_channel, "by_ward": by_ward,
            "by_day": sorted(days.items()), "changed": changed}


# Voting codes ----------------------------------------------------------------------------

def generate_codes(round_: Round, label: str, count: int, actor: User | None,
                   seeds: list[bytes] | None = None) -> tuple[VotingCodeBatch, list[str]]:
    """A batch of new codes; the plaintexts are returned once and never stored."""
    if not 1 <= count <= MAX_BATCH:
        raise VotingError(f"Make between 1 and {MAX_BATCH} codes at a time.", field="count")
    if round_.status in ("closed", "results"):
        raise VotingError("Voting in this round has closed, so new codes would be no use.")
    batch = VotingCodeBatch(round_id=round_.id, label=label.strip(), size=count,
                            created_by_id=actor.id if actor else None)
    db.session.add(batch)
    db.session.flush()
    plain = []
    for i in range(count):
        code = codes.new_voting_code(seeds[i] if seeds else None)
        plain.append(code)
        db.session.add(VotingCode(round_id=round_.id, batch_id=batch.id,
                                  code_hash=codes.code_hash(code)))
    db.session.flush()
    audit.record("voting_codes.generated", batch,
                 after={"round_id": round_.id, "label": batch.label, "count": count},
                 actor=actor)
    db.session.commit()
    return batch, plain


def code_batches(round_: Round) -> list[dict]:
    rows = db.session.execute(
        select(VotingCodeBatch, func.count(VotingCode.used_at))
        .outerjoin(VotingCode, VotingCode.batch_id == VotingCodeBatch.id)
        .where(VotingCodeBatch.round_id == round_.id)
        .group_by(VotingCodeBatch.id).order_by(VotingCodeBatch.id)).all()
    return [{"batch": batch, "used": used} for batch, used in rows]
