"""The turnout counts each worker keeps are made again whenever the round's ballots change,
including a ballot that commits after one with a higher id (PostgreSQL hands out ids in
one order and commits in another)."""

from __future__ import annotations

import pytest
from sqlalchemy import delete, insert, select

from pb.extensions import db
from pb.models import Ballot, BallotChoice
from pb.voting import queries
from tests.factories import cast_for, make_ballot_round, make_voter


def test_a_ballot_committed_late_with_a_lower_id_is_counted(app, neighbourhood):
    if db.engine.dialect.name == "sqlite":
        pytest.skip("SQLite commits ballots in id order (pb.voting.queries._ballots_fingerprint)")
    round_, projects = make_ballot_round(neighbourhood)
    for n in range(3):
        cast_for(round_, make_voter(n), {projects[n].id: 1})
    db.session.commit()
    ids = sorted(db.session.scalars(select(Ballot.id).where(Ballot.round_id == round_.id)))
    middle = ids[1]
    # Take the middle ballot out, as if its transaction had not committed yet...
    ballot_row = db.session.execute(select(Ballot.__table__).where(Ballot.id == middle)).one()
    choice_rows = db.session.execute(select(BallotChoice.__table__)
                                     .where(BallotChoice.ballot_id == middle)).all()
    db.session.execute(delete(BallotChoice).where(BallotChoice.ballot_id == middle))
    db.session.execute(delete(Ballot).where(Ballot.id == middle))
    db.session.commit()
    assert queries.turnout(round_)["total"] == 2
    # ...then commit it: the highest id is unchanged, and the counts must still move.
    db.session.execute(insert(Ballot.__table__).values(**ballot_row._mapping))
    db.session.execute(insert(BallotChoice.__table__), [dict(r._mapping) for r in choice_rows])
    db.session.commit()
    assert queries.turnout(round_)["total"] == 3


def test_counts_are_reused_while_nothing_changes(app, neighbourhood, monkeypatch):
    round_, projects = make_ballot_round(neighbourhood)
    cast_for(round_, make_voter(1), {projects[0].id: 1})
    db.session.commit()
    assert queries.turnout(round_)["total"] == 1
    made = []
    monkeypatch.setattr(queries, "count_turnout", lambda r: made.append(r) or {"total": -1})
    assert queries.turnout(round_)["total"] == 1
    assert made == []
    cast_for(round_, make_voter(2), {projects[1].id: 1})
    db.session.commit()
    assert queries.turnout(round_)["total"] == -1 and len(made) == 1
