"""Storing a ballot: one counted ballot per person, decided where the ballot is stored.

All of it happens in one transaction, backed by the unique constraints described in
``pb.models.voting``:

1. the voter's slot: one per (round, account or code), and for a signed-in person one
   per (round, account) whichever channel they use, so a code entered in one browser
   and the account in another cannot both hold a ballot;
2. the slot's previous counted ballot is superseded, unless the form was filled
   against an older ballot (another tab won): then nothing is stored;
3. a voting code is marked used;
4. any other counted ballot with the same eligibility fingerprint stops counting
   (latest wins), and the voter is told;
5. the ballot is stored with its audit entry and committed.

When a constraint fires because a concurrent request won the race, the transaction
is rolled back and tried once more; the second try sees the winner's work and
refuses, or supersedes, accordingly. A form sent twice (refresh, double click) is
recognised by its submission key and stores nothing new.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

from flask import url_for
from flask_babel import gettext as _
from sqlalchemy import insert, select, update
from sqlalchemy.exc import IntegrityError

from pb import audit, submissions
from pb.errors import Conflict
from pb.extensions import db
from pb.jobs import outbox
from pb.models import Round, User
from pb.models.base import utcnow
from pb.models.voting import (
    BALLOT_COUNTED,
    BALLOT_SUPERSEDED,
    REPLACED_BY_SAME_DETAILS,
    REPLACED_BY_VOTER,
    Ballot,
    BallotChoice,
    Voter,
    VotingCode,
)
from pb.voting import (
    AlreadyVoted,
    BallotProblems,
    CodeError,
    VotingClosed,
    VotingError,
    codes,
    keys,
)
from pb.voting.designs import check_ballot
from pb.voting.identity import Identity, account_slot, slot_of
from pb.voting.paper import Paper

ACTION = "ballot.cast"


@dataclass
class Cast:
    """What storing a ballot did."""

    ballot: Ballot
    receipt: str
    replaced_same_details: bool = False  # another slot's ballot with the same details stopped counting
    repeated: bool = False  # the same form again: the first request's ballot, nothing new
    notify: list[str] = field(default_factory=list)  # accounts whose ballot this replaced
    ballot_id: int | None = None  # read before the commit, so using it costs no reload
    round_id: int | None = None  # likewise
    emails: list[tuple[str, str, str]] = field(default_factory=list)  # in the outbox


def _already_voted() -> AlreadyVoted:
    return AlreadyVoted(_("You have already voted, perhaps in another tab or window. Your "
                          "latest ballot is the one that counts: it is shown below, and you can "
                          "still change it until voting closes."))


def _other_channel(slot: Voter) -> AlreadyVoted:
    if slot.channel == "code":
        return AlreadyVoted(_("You have already voted in this round with a voting code while "
                              "signed in, so this ballot was not added. Your ballot is on the "
                              "voting page: you can change it there until voting closes."))
    return AlreadyVoted(_("You have already voted in this round with your account while signed "
                          "in, so this ballot was not added. Your ballot is on the voting page: "
                          "you can change it there until voting closes."))


def cast_ballot(round_: Round, identity: Identity, paper: Paper, choices: dict[int, int],
                replaces: int | None, entered_by: User | None = None,
                submission: str | None = None, *, channel: str | None = None,
                record_with: Callable[[Ballot], None] | None = None) -> Cast:
    """Store a ballot (or replace the voter's current one); see the module docstring.

    ``replaces`` is the id of the ballot the voter was looking at when they filled the
    form (None for a first ballot); ``submission`` is the form's idempotency key.
    Decision days (pb.events) add two things: ``channel`` is where the ballot was given
    ("tablet", "paper"; by default the identity's channel), and ``record_with`` is called
    with the new ballot inside its transaction, before the commit, so the caller's own
    record of it (which tablet, which paper) is stored with it or not at all.
    """
    if round_.status != "voting":
        raise VotingClosed(_("Voting in this round is closed, so your ballot was not recorded."))
    problems = check_ballot(paper.rules, paper.projects, paper.sections, choices)
    if problems:
        raise BallotProblems(problems)
    for attempt in (1, 2):
        repeat = _repeat(identity, submission, choices, paper)
        if repeat is not None:
            return repeat
        try:
            cast = _store(round_, identity, paper, choices, replaces, entered_by, submission,
                          channel, record_with)
        except IntegrityError:
            db.session.rollback()
            identity.forget_slot()  # the winner's slot: read it again
            if attempt == 2:
                raise _already_voted() from None
            continue
        except VotingError:
            db.session.rollback()
            raise
        return cast
    raise AssertionError("unreachable")  # pragma: no cover


def _repeat(identity: Identity, submission: str | None, choices: dict[int, int],
            paper: Paper) -> Cast | None:
    """The ballot an earlier request with this form key stored, if these are its choices."""
    # Kept without the account (see _store): the slot check below says whose it is.
    ballot_id = submissions.previous(submission, ACTION, None)
    if ballot_id is None:
        return None
    ballot = db.session.get(Ballot, ballot_id)
    if ballot is None or ballot.voter.voter_key != identity.key:
        raise Conflict(_("This form was already used. Reload the page and try again."))
    stored = {c.proposal_id: (c.rank or c.points or 1) for c in ballot.choices}
    if stored != {pid: v for pid, v in choices.items() if v} \
            or ballot.other_ward_id != paper.other_ward_id:
        return None  # different choices from an old page: handled as a stale form
    return Cast(ballot, codes.receipt_for(submission), repeated=True, ballot_id=ballot.id,
                round_id=ballot.round_id)


def _store(round_: Round, identity: Identity, paper: Paper, choices: dict[int, int],
           replaces: int | None, entered_by: User | None, submission: str | None,
           channel: str | None = None, record_with=None) -> Cast:
    voter, previous = _slot(round_, identity, replaces)
    replaced, notify = _supersede_same_details(round_, identity, voter)
    receipt = codes.receipt_for(submission) if submissions.is_key(submission) \
        else codes.new_receipt()
    ballot = Ballot(round_id=round_.id, voter_id=voter.id, status=BALLOT_COUNTED,
                    channel=channel or identity.channel,
                    receipt_hash=codes.receipt_hash(receipt),
                    other_ward_id=paper.other_ward_id, facts_hash=identity.facts_hash,
                    entered_by_id=entered_by.id if entered_by else None)
    db.session.add(ballot)
    db.session.flush()
    design = paper.rules.design
    # One executemany for the choices, not one INSERT ... RETURNING per project.
    db.session.execute(insert(BallotChoice), [
        {"ballot_id": ballot.id, "proposal_id": pid,
         "points": value if design in ("points", "scores") else None,
         "rank": value if design == "ranking" else None}
        for pid, value in sorted(choices.items()) if value])
    # Neither the form key's row nor the audit entry names both the person and the ballot:
    # a copy of the database must not join them (docs/security.md, ballot secrecy at rest).
    submissions.record(submission, ACTION, ballot.id, None)
    cast = Cast(ballot, receipt, replaced_same_details=bool(replaced), notify=notify,
                ballot_id=ballot.id, round_id=round_.id)
    # The receipt and any replaced voter's notice go to the outbox in this transaction:
    # sent after the commit by a worker, never lost, never for a ballot rolled back.
    cast.emails = emails_for(round_, identity, cast)  # while the round is loaded
    outbox.add(cast.emails)
    after = {"channel": ballot.channel}
    if replaced:
        after["replaced_same_details"] = replaced
    audit.record("ballot.changed" if previous else "ballot.cast", round_, after=after,
                 actor=entered_by or identity.user)
    if record_with is not None:
        record_with(ballot)  # pb.events: where it was given, in this transaction
    _commit_keeping_loaded()
    return cast


def _commit_keeping_loaded() -> None:
    """Commit without expiring what this request loaded: the round, the person and the
    ballot were read or written in this very transaction, so reading them again after
    the commit (three more queries per ballot) would learn nothing."""
    session = db.session()
    session.expire_on_commit = False
    try:
        session.commit()
    finally:
        session.expire_on_commit = True


def _slot(round_: Round, identity: Identity, replaces: int | None) -> tuple[Voter, int | None]:
    """The voter's slot, made (and its code claimed) for a first ballot; and the ballot
    it replaces, superseded. Refuses a stale form and a second channel."""
    voter = slot_of(round_, identity)
    if voter is None:
        if replaces:
            raise _already_voted()
        # account_identity has looked for the account's slot already (by any channel)
        if identity.user is not None and not identity.account_checked \
                and (slot := account_slot(round_, identity.user)):
            raise _other_channel(slot)
        user = identity.user
        voter = Voter(round_id=round_.id, voter_key=identity.key, channel=identity.channel,
                      ward_id=identity.ward_id,
                      account_key=keys.account_key(round_.id, user.id) if user else None,
                      account_ref=keys.account_ref(round_.id, identity.key, user.id)
                      if user else None)
        db.session.add(voter)
        db.session.flush()
        if identity.code_id is not None:
            _claim_code(identity)
        return voter, None
    previous = db.session.scalar(select(Ballot.id).where(
        Ballot.voter_id == voter.id, Ballot.status == BALLOT_COUNTED))
    if previous != replaces:
        raise _already_voted()
    if previous is not None:
        result = db.session.execute(
            update(Ballot).where(Ballot.id == previous, Ballot.status == BALLOT_COUNTED)
            .values(status=BALLOT_SUPERSEDED, superseded_at=utcnow(),
                    superseded_reason=REPLACED_BY_VOTER))
        if result.rowcount != 1:
            raise _already_voted()
    if identity.ward_id and voter.ward_id != identity.ward_id:
        voter.ward_id = identity.ward_id
    return voter, previous


def _claim_code(identity: Identity) -> None:
    claimed = db.session.execute(
        update(VotingCode).where(VotingCode.id == identity.code_id, VotingCode.used_at.is_(None))
        .values(used_at=utcnow(), used_by_user_id=identity.user.id if identity.user else None))
    if claimed.rowcount != 1:
        raise CodeError(_("That code has already been used. Each code can be used once."),
                        field="code")


def _supersede_same_details(round_: Round, identity: Identity,
                            voter: Voter) -> tuple[int, list[str]]:
    """Latest wins: other slots' counted ballots with this fingerprint stop counting.

    Returns how many, and the email addresses of the accounts among them (they are told).
    """
    if identity.facts_hash is None:
        return 0, []
    rows = db.session.execute(
        select(Ballot.id, Voter.voter_key, Voter.account_ref)
        .join(Voter, Voter.id == Ballot.voter_id)
        .where(Ballot.round_id == round_.id, Ballot.status == BALLOT_COUNTED,
               Ballot.facts_hash == identity.facts_hash, Ballot.voter_id != voter.id)).all()
    if not rows:
        return 0, []
    # The server unmasks the accounts it must tell (see pb.voting.keys).
    accounts = {keys.account_of(round_.id, r.voter_key, r.account_ref) for r in rows} - {None}
    emails = db.session.scalars(select(User.email).where(User.id.in_(accounts))
                                .order_by(User.id)).all() if accounts else []
    db.session.execute(
        update(Ballot).where(Ballot.id.in_([r.id for r in rows]),
                             Ballot.status == BALLOT_COUNTED)
        .values(status=BALLOT_SUPERSEDED, superseded_at=utcnow(),
                superseded_reason=REPLACED_BY_SAME_DETAILS))
    return len(rows), [email for email in emails if email and email != identity.email]


# Emails --------------------------------------------------------------------------------

def _link(round_: Round, endpoint: str) -> str:
    try:
        return url_for(endpoint, round_id=round_.id, _external=True)
    except RuntimeError:  # pragma: no cover - outside a request without SERVER_NAME
        return f"/rounds/{round_.id}"


def emails_for(round_: Round, identity: Identity, cast: Cast) -> list[tuple[str, str, str]]:
    """(to, subject, body) of the receipt email and of each replaced voter's notice."""
    emails = []
    if identity.email:
        # Written in the voter's language: it is composed in their request, before the commit.
        body = _("Thank you for voting in %(round)s.\n\n"
                 "Your receipt code is: %(receipt)s\n\n"
                 "To check your ballot is counted, look it up at %(link)s\n"
                 "The receipt does not show how you voted. If you did not vote, or you get a "
                 "receipt you do not recognise, contact the partnership.\n",
                 round=round_.name, receipt=display_receipt(cast.receipt),
                 link=_link(round_, "voting.receipts"))
        emails.append((identity.email,
                       _("Your ballot in %(round)s was received", round=round_.name), body))
    # The notice goes to someone else, whose language this request does not know: English.
    for email in cast.notify:
        body = (f"A ballot has just been given in {round_.name} with the same postcode and "
                "date of birth as yours. pb counts one ballot per person, the latest, so "
                "yours no longer counts.\n\n"
                "If that was you, there is nothing to do. If it was not (someone else, or "
                "someone sharing your postcode and birthday), vote again at "
                f"{_link(round_, 'voting.vote')} before voting closes, and tell the "
                "partnership.\n")
        emails.append((email, f"Your ballot in {round_.name} has been replaced", body))
    return emails


def display_receipt(receipt: str) -> str:
    return codes.display_code(codes.normalise_receipt(receipt), 4)
