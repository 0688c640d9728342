"""Turnout per round and ward, against the ward's population where it is known.

Counted ballots only (one per voter), grouped in SQL by round, ward and channel: a
city round with 100,000 ballots costs the same two queries as a village's. Counts
only, never who voted or how. The public sees rounds whose results are published
(as the results pages do); scrutiny sees every round that has ballots.
"""

from __future__ import annotations

from collections import defaultdict
from decimal import ROUND_HALF_UP, Decimal

from sqlalchemy import func, select

from pb.extensions import db
from pb.models import Ballot, Round, Voter, Ward, utcnow
from pb.models.voting import BALLOT_COUNTED
from pb.scrutiny.filters import Filters

CHANNELS = {"account": "Online, with an account", "code": "With a voting code",
            "tablet": "On a tablet at a decision day", "paper": "On paper at a decision day"}
NO_WARD = "No ward (postcode not in a ward)"


def percent(part: int, whole: int | None) -> Decimal | None:
    """part as a percentage of whole, to one decimal place (None when whole is unknown)."""
    if not whole:
        return None
    return (Decimal(100 * part) / Decimal(whole)).quantize(Decimal("0.1"),
                                                            rounding=ROUND_HALF_UP)


def _counted(filters: Filters, round_ids: list[int]):
    conditions = [Ballot.status == BALLOT_COUNTED, Ballot.round_id.in_(round_ids or [0])]
    if filters.starts():
        conditions.append(Ballot.cast_at >= filters.starts())
    if filters.ends_before():
        conditions.append(Ballot.cast_at < filters.ends_before())
    if filters.ward_id:
        conditions.append(Voter.ward_id == filters.ward_id)
    return conditions


def turnout(filters: Filters, rounds: list[Round]) -> dict:
    """Ballots per round, per round and ward (with population and %), per channel."""
    ids = [r.id for r in rounds if (not filters.round_id or r.id == filters.round_id)
           and (not filters.area_id or r.area_id == filters.area_id)]
    names = {r.id: r.name for r in rounds}
    where = _counted(filters, ids)
    ward_rows = db.session.execute(
        select(Ballot.round_id, Ward.name, Ward.population, func.count())
        .join(Voter, Voter.id == Ballot.voter_id).outerjoin(Ward, Ward.id == Voter.ward_id)
        .where(*where).group_by(Ballot.round_id, Ward.name, Ward.population)
        .order_by(Ballot.round_id, Ward.name)).all()
    channel_rows = db.session.execute(
        select(Ballot.round_id, Ballot.channel, func.count())
        .join(Voter, Voter.id == Ballot.voter_id).where(*where)
        .group_by(Ballot.round_id, Ballot.channel)).all()
    by_round: dict[int, int] = defaultdict(int)
    wards = []
    for round_id, ward, population, count in ward_rows:
        by_round[round_id] += count
        wards.append({"round": names[round_id], "ward": ward or NO_WARD,
                      "ballots": count, "population": population,
                      "percent": percent(count, population)})
    channels: dict[int, dict[str, int]] = defaultdict(dict)
    for round_id, channel, count in channel_rows:
        channels[round_id][channel] = count
    populations = _area_populations({r.area_id for r in rounds if r.id in ids})
    per_round = [{"round": names[i], "ballots": by_round.get(i, 0),
                  "population": populations.get(_area_of(rounds, i)),
                  "channels": channels.get(i, {})} for i in ids]
    for row in per_round:
        row["percent"] = None if filters.ward_id else percent(row["ballots"], row["population"])
    return {"rounds": per_round, "wards": wards,
            "total": sum(by_round.values())}


def _area_of(rounds: list[Round], round_id: int) -> int:
    return next(r.area_id for r in rounds if r.id == round_id)


def _area_populations(area_ids: set[int]) -> dict[int, int]:
    """An area's population: the sum of its wards', only when every ward's is known."""
    rows = db.session.execute(
        select(Ward.area_id, func.sum(Ward.population), func.count(),
               func.count(Ward.population))
        .where(Ward.area_id.in_(area_ids or {0})).group_by(Ward.area_id)).all()
    return {area: int(total) for area, total, wards, known in rows if wards == known and total}


def rounds_for_turnout(user_may_see_all: bool) -> list[Round]:
    """The rounds whose turnout the reader may see: results published (everyone), or
    every round whose vote has opened (scrutiny)."""
    now = utcnow()
    query = select(Round).where(Round.is_published).order_by(Round.id)
    if user_may_see_all:
        query = query.where(Round.voting_open_at.is_not(None), Round.voting_open_at <= now)
    else:
        query = query.where(Round.results_published_at.is_not(None),
                            Round.results_published_at <= now)
    return list(db.session.scalars(query))
