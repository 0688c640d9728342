"""The crash checks can fail: a lost ballot, a ballot without its choices and a ballot
without its audit entry are each reported (so 0 lost / 0 partial means something)."""

from __future__ import annotations

import pytest
from sqlalchemy import delete, select

from tests.stress.conftest import Ledger, check_database, new_key, receipt_hash_for


@pytest.mark.parametrize("prepared", [(2, 0)], indirect=True, ids=["stress-db"])
def test_the_crash_checks_report_lost_and_partial_ballots(prepared):
    from pb import audit
    from pb.extensions import db
    from pb.models import Ballot, BallotChoice, User

    app = prepared.app
    ledger = Ledger(prepared.tmp / "acknowledged.tsv", app)
    with app.app_context():
        from pb.models import Round

        round_ = db.session.get(Round, prepared.round_id)
        keys = [new_key(), new_key()]
        for email, key, chosen in zip(prepared.voters, keys, ([0], [1, 2]), strict=True):
            user = db.session.scalar(select(User).where(User.email == email))
            ledger.attempt(key, tuple(prepared.projects[i] for i in chosen))
            from pb.voting import services

            identity = services.account_identity(round_, user)
            services.cast_ballot(round_, identity, services.build_paper(round_, identity),
                                 {prepared.projects[i]: 1 for i in chosen}, None,
                                 submission=key)
        db.session.remove()
    whole = check_database(prepared.url, ledger, prepared.round_id,
                           must_hold={receipt_hash_for(app, k): () for k in keys})
    assert (whole.lost, whole.partial, whole.problems) == ([], [], [])

    with app.app_context():
        second = db.session.scalar(select(Ballot.id).where(
            Ballot.receipt_hash == receipt_hash_for(app, keys[1])))
        db.session.execute(delete(BallotChoice).where(BallotChoice.ballot_id == second))
        db.session.commit()
        db.session.remove()
    missing = receipt_hash_for(app, new_key())  # acknowledged, never stored
    broken = check_database(prepared.url, ledger, prepared.round_id,
                            must_hold={missing: (1,)})
    assert broken.lost == [missing]
    assert [p[0] for p in broken.partial] == [second]

    with app.app_context():
        # An audit entry of a ballot that is not there (the chain itself stays valid).
        audit.record("ballot.cast", object_type="Round", object_id=prepared.round_id,
                     after={"channel": "account"})
        db.session.commit()
        db.session.remove()
    unmatched = check_database(prepared.url, ledger, prepared.round_id)
    assert "2 ballots but 3 audit entries" in unmatched.problems
