"""Demo voting: last year's online vote and the decision day, both counted and certified,
ballots already cast in the open round, and a batch of printed demo voting codes.

- Last year's online vote (approval, most votes first, £40,000): 164 ballots cast over
  four weeks, most with voting codes and the demo residents' with their accounts, each
  ticking one to five projects so that the 10 in ``PAST_FUNDED`` get the most votes;
  counted by officer@, certified and published by officer2@.
- Decision day (scores 0-5, greedy-points, £100,000): 236 ballot papers keyed in from
  voting cards, scored so that the 17 proposals in ``DECISION_DAY_FUNDED`` get the most
  points; counted by officer@, certified and published by officer2@.
- Open vote (budget ballot, Equal Shares): 48 ballots already cast with voting codes,
  and a batch of 20 printed demo cards (``demo_codes()`` lists the unused ones).

Idempotent: each batch of codes is keyed on (round, label), and ballots, the count and
the certification are made only when missing. Code plaintexts and scores come from
fixed seeds, so every run gives the same codes and the same result.
"""

from __future__ import annotations

import hashlib
import hmac
import random
from datetime import datetime, timedelta

from sqlalchemy import select

from pb.extensions import db
from pb.models import Round, User
from pb.models.base import utcnow
from pb.models.result import RoundResult
from pb.models.voting import (
    BALLOT_COUNTED,
    Ballot,
    BallotChoice,
    Voter,
    VotingCode,
    VotingCodeBatch,
)
from pb.voting import codes, keys, services

DEMO_SEED = b"pb-demo-voting-2026"
DECISION_DAY_BALLOTS = 236
DECISION_DAY_LABEL = "Decision day ballot papers (Macclesfield Town Hall)"
PAST_CODE_BALLOTS = 154
PAST_LABEL = "Voting codes from GP surgeries and libraries (2025 online vote)"
OPEN_VOTE_CAST = 48
OPEN_VOTE_CAST_LABEL = "Community hub drop-ins"
DEMO_CARDS = 20
DEMO_CARDS_LABEL = "Demo voting cards"


def _seed(label: str, index: int, length: int = 16) -> bytes:
    return hmac.new(DEMO_SEED, f"{label}:{index}".encode(), hashlib.sha256).digest()[:length]


def _plain_codes(label: str, count: int) -> list[str]:
    return [codes.new_voting_code(_seed(label, i)) for i in range(count)]


def _user(local: str) -> User | None:
    from pb.demo import DEMO_DOMAIN

    user = User.by_email(f"{local}@{DEMO_DOMAIN}")
    if user is not None:
        # Roles may have been added beside an already-loaded collection: read them afresh.
        db.session.expire(user, ["roles"])
    return user


def _batch(round_: Round, label: str, count: int) -> tuple[VotingCodeBatch, list[str], bool]:
    """The batch (made with deterministic codes if missing), its plaintexts, and if new."""
    plain = _plain_codes(label, count)
    batch = db.session.scalar(select(VotingCodeBatch).where(
        VotingCodeBatch.round_id == round_.id, VotingCodeBatch.label == label))
    if batch is not None:
        return batch, plain, False
    batch = VotingCodeBatch(round_id=round_.id, label=label, size=count,
                            created_by_id=getattr(_user("officer"), "id", None),
                            created_at=min(round_.voting_open_at, utcnow()))
    db.session.add(batch)
    db.session.flush()
    for code in plain:
        db.session.add(VotingCode(round_id=round_.id, batch_id=batch.id,
                                  code_hash=codes.code_hash(code)))
    db.session.flush()
    return batch, plain, True


def seed(area, partnership, rounds) -> None:
    from pb.demo import ROUND_DECISION_DAY, ROUND_OPEN_VOTE, ROUND_PAST

    _seed_past_round(area, rounds[ROUND_PAST])
    _seed_decision_day(area, rounds[ROUND_DECISION_DAY])
    _seed_open_vote(area, rounds[ROUND_OPEN_VOTE])


# Last year's online vote ------------------------------------------------------------------

def _seed_past_round(area, round_: Round) -> None:
    from pb.demo.proposals import PAST_FUNDED, SUPPORTERS, shortlisted

    proposals = shortlisted(round_)
    if not proposals:
        return
    _batch_, plain, new = _batch(round_, PAST_LABEL, PAST_CODE_BALLOTS)
    if new:
        # Waiver for bandit B311: repeatable demo data, not a secret.
        rng = random.Random(DEMO_SEED + b":past-round")  # nosec B311
        weights = [4 if p.title in PAST_FUNDED else 1 for p in proposals]
        wards = list(area.wards)
        open_for = int((round_.voting_close_at - round_.voting_open_at).total_seconds())
        voters = []
        for code in plain:
            row = db.session.scalar(select(VotingCode).where(
                VotingCode.code_hash == codes.code_hash(code)))
            voters.append((keys.code_key(round_.id, row.id), "code", rng.choice(wards).id,
                           None, row))
        hurdsfield = next(w for w in wards if w.name == "Macclesfield Hurdsfield")
        for local in [local for local, _name in SUPPORTERS] + ["resident", "grantee"]:
            user = _user(local)
            if user is not None:  # the demo residents all live in Hurdsfield (SK10 2LH)
                voters.append((keys.account_key(round_.id, user.id), "account",
                               hurdsfield.id, user.id, None))
        for index, (key, channel, ward_id, user_id, code_row) in enumerate(voters):
            cast_at = round_.voting_open_at + timedelta(seconds=rng.randrange(60, open_for))
            if code_row is not None:
                code_row.used_at = cast_at
            voter = Voter(round_id=round_.id, voter_key=key, channel=channel, ward_id=ward_id,
                          account_key=key if user_id else None,
                          account_ref=keys.account_ref(round_.id, key, user_id)
                          if user_id else None, created_at=cast_at)
            db.session.add(voter)
            db.session.flush()
            receipt = "".join(codes.ALPHABET[b % len(codes.ALPHABET)]
                              for b in _seed("past-receipt", index, codes.RECEIPT_LENGTH))
            ballot = Ballot(round_id=round_.id, voter_id=voter.id, status=BALLOT_COUNTED,
                            channel=channel, receipt_hash=codes.receipt_hash(receipt),
                            cast_at=cast_at)
            ticked = set()
            for _ in range(rng.randint(1, round_.ballot_max_choices)):
                ticked.add(rng.choices(proposals, weights)[0].id)
            ballot.choices = [BallotChoice(proposal_id=pid) for pid in sorted(ticked)]
            db.session.add(ballot)
        db.session.flush()
    _count_and_certify(round_, published_at=round_.voting_close_at + timedelta(days=3))


# The decision day ------------------------------------------------------------------------

def _seed_decision_day(area, round_: Round) -> None:
    from pb.demo.proposals import DECISION_DAY_FUNDED, shortlisted

    proposals = shortlisted(round_)
    if not proposals:
        return
    _batch_, plain, new = _batch(round_, DECISION_DAY_LABEL, DECISION_DAY_BALLOTS)
    if new:
        # Waiver for bandit B311: repeatable demo data, not a secret.
        rng = random.Random(DEMO_SEED + b":decision-day")  # nosec B311
        funded = set(DECISION_DAY_FUNDED)
        wards = list(area.wards)
        staff = _user("events")
        start = round_.voting_open_at
        for index, code in enumerate(plain):
            row = db.session.scalar(select(VotingCode).where(
                VotingCode.code_hash == codes.code_hash(code)))
            cast_at = start + timedelta(minutes=30 + index * 240 // DECISION_DAY_BALLOTS)
            row.used_at = cast_at
            voter = Voter(round_id=round_.id, voter_key=keys.code_key(round_.id, row.id),
                          channel="code",
                          ward_id=rng.choice(wards).id, created_at=cast_at)
            db.session.add(voter)
            db.session.flush()
            receipt = "".join(codes.ALPHABET[b % len(codes.ALPHABET)]
                              for b in _seed("receipt", index, codes.RECEIPT_LENGTH))
            ballot = Ballot(round_id=round_.id, voter_id=voter.id, status=BALLOT_COUNTED,
                            channel="code", receipt_hash=codes.receipt_hash(receipt),
                            entered_by_id=staff.id if staff else None, cast_at=cast_at)
            for proposal in proposals:
                if proposal.title in funded:
                    score = rng.choices((0, 1, 2, 3, 4, 5), (2, 3, 10, 25, 30, 30))[0]
                else:
                    score = rng.choices((0, 1, 2, 3, 4, 5), (30, 30, 20, 12, 5, 3))[0]
                if score:
                    ballot.choices.append(BallotChoice(proposal_id=proposal.id, points=score))
            db.session.add(ballot)
        db.session.flush()
    _count_and_certify(round_, published_at=round_.voting_close_at + timedelta(days=2))


def _count_and_certify(round_: Round, published_at: datetime) -> None:
    from pb.results import services as results

    result = db.session.scalar(select(RoundResult).where(RoundResult.round_id == round_.id))
    if result is not None and result.is_certified:
        return
    officer, officer2 = _user("officer"), _user("officer2")
    if officer is None or officer2 is None:
        return
    results.tally(round_, officer)
    results.certify(round_, officer2)
    result = results.result_for(round_)
    result.tallied_at = published_at - timedelta(hours=3)
    result.certified_at = published_at
    round_.results_published_at = published_at
    db.session.flush()


# The open vote ------------------------------------------------------------------------------

def _seed_open_vote(area, round_: Round) -> None:
    from pb.demo.proposals import shortlisted

    if not shortlisted(round_):
        return
    _batch(round_, DEMO_CARDS_LABEL, DEMO_CARDS)
    _batch_, plain, new = _batch(round_, OPEN_VOTE_CAST_LABEL, OPEN_VOTE_CAST)
    db.session.flush()
    if not new or round_.status != "voting":
        return
    # Waiver for bandit B311: repeatable demo data, not a secret.
    rng = random.Random(DEMO_SEED + b":open-vote")  # nosec B311
    sectors = [entry for entry in area.postcode_coverage if entry.ward_id]
    for code in plain:
        row = db.session.scalar(select(VotingCode).where(
            VotingCode.code_hash == codes.code_hash(code)))
        ward_id = rng.choice(sectors).ward_id
        identity = services.Identity(f"code:{row.id}", "code", ward_id, code_id=row.id)
        paper = services.build_paper(round_, identity)
        choices = _fill_budget(paper, rng)
        if choices:
            ballot = services.cast_ballot(round_, identity, paper, choices, None).ballot
            # Spread the ballots over the days the vote has been open, for turnout by day.
            open_for = max(int((utcnow() - round_.voting_open_at).total_seconds()), 60)
            ballot.cast_at = round_.voting_open_at + timedelta(
                seconds=rng.randrange(30, open_for))
            ballot.voter.created_at = ballot.cast_at
    db.session.flush()


def _fill_budget(paper, rng: random.Random) -> dict[int, int]:
    """A plausible budget ballot: projects picked at random while each section has money."""
    left = {s.key: s.limit_pence for s in paper.sections}
    choices = {}
    order = list(paper.projects)
    rng.shuffle(order)
    for project in order:
        if project.cost_pence <= left[project.section] and rng.random() < 0.7:
            left[project.section] -= project.cost_pence
            choices[project.id] = 1
    return choices


def demo_codes(limit: int = 5) -> list[str]:
    """A few unused demo voting codes for the open vote, formatted for printing."""
    from pb.demo import ROUND_OPEN_VOTE

    round_ = db.session.scalar(select(Round).where(Round.name == ROUND_OPEN_VOTE))
    if round_ is None:
        return []
    unused = []
    for code in _plain_codes(DEMO_CARDS_LABEL, DEMO_CARDS):
        row = db.session.scalar(select(VotingCode).where(
            VotingCode.code_hash == codes.code_hash(code), VotingCode.round_id == round_.id))
        if row is not None and row.used_at is None:
            unused.append(codes.display_code(code))
        if len(unused) >= limit:
            break
    return unused
