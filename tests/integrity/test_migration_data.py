"""The vote-integrity migration keeps existing ballots and links existing voters to accounts.

Built to revision 0003 with rows written as an older release would have written them
(an account voter, a code used while signed in, and the double ballot of issue 8: the
same person by code and by account), then upgraded to the head.
"""

from __future__ import annotations

from datetime import date, datetime

import pytest
from sqlalchemy import Boolean, Date, DateTime, Integer, MetaData, create_engine, select, text

from pb.voting import keys
from tests.databases import new_postgres_database

NOW = datetime(2026, 5, 1, 9, 0)


def _row(table, **values) -> dict:
    """Values for every required column: the given ones, else something of the right type."""
    row = {}
    for column in table.columns:
        if column.name in values:
            row[column.name] = values[column.name]
        elif not column.nullable and not column.primary_key:
            kind = type(column.type)
            row[column.name] = (NOW if issubclass(kind, DateTime) else
                                date(1980, 1, 1) if issubclass(kind, Date) else
                                False if issubclass(kind, Boolean) else
                                1 if issubclass(kind, Integer) else f"{column.name}-x")
    return row


@pytest.fixture(params=["sqlite", "postgresql"])
def empty_database(request, tmp_path):
    """An empty database of each kind (PostgreSQL only when the run uses it)."""
    import os


    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'old.sqlite'}"
        return
    url = os.environ.get("PB_TEST_DATABASE_URL", "").strip()
    if not url.startswith("postgres"):
        pytest.skip("PostgreSQL is tested when PB_TEST_DATABASE_URL points at it")
    database, drop = new_postgres_database(url, "pb_integrity", schema=False)
    try:
        yield database
    finally:
        drop()


@pytest.fixture
def old_database(empty_database, tmp_path, monkeypatch):
    from pb import create_app
    from tests.conftest import TEST_CONFIG

    monkeypatch.setenv("PB_INSTANCE_PATH", str(tmp_path / "instance"))
    app = create_app({**TEST_CONFIG, "SQLALCHEMY_DATABASE_URI": empty_database})
    runner = app.test_cli_runner()
    with app.app_context():
        assert runner.invoke(args=["db", "upgrade", "0003"]).exit_code == 0
    yield app, runner, empty_database
    # Close the app's pooled connections now, not when they are garbage-collected
    # during some later test (a ResourceWarning there fails that test on PostgreSQL).
    from pb.extensions import db

    with app.app_context():
        db.engine.dispose()


def _seed_0003(url: str) -> None:
    engine = create_engine(url)
    meta = MetaData()
    meta.reflect(engine)
    t = meta.tables
    with engine.begin() as conn:
        def add(table, **values):
            return conn.execute(t[table].insert().values(**_row(t[table], **values))
                                ).inserted_primary_key[0]

        area = add("areas", name="Macclesfield")
        partnership = add("partnerships", name="Macclesfield Community Health Partnership",
                          area_id=area)
        round_ = add("rounds", name="Macclesfield Community Health Fund 2026",
                     partnership_id=partnership, area_id=area, budget_pence=60_000_00)
        maureen = add("users", email="maureen.clarke@example.org", display_name="Maureen")
        sanjay = add("users", email="sanjay.patel@example.org", display_name="Sanjay")
        batch = add("voting_code_batches", round_id=round_, label="Hurdsfield library",
                    size=2)
        code_twice = add("voting_codes", round_id=round_, batch_id=batch, code_hash="a" * 64,
                         used_at=NOW, used_by_user_id=maureen)
        code_once = add("voting_codes", round_id=round_, batch_id=batch, code_hash="b" * 64,
                        used_at=NOW, used_by_user_id=sanjay)
        voters = {
            "maureen account": add("voters", round_id=round_, voter_key=f"user:{maureen}",
                                   channel="account"),
            "maureen code": add("voters", round_id=round_, voter_key=f"code:{code_twice}",
                                channel="code"),
            "sanjay code": add("voters", round_id=round_, voter_key=f"code:{code_once}",
                               channel="code"),
        }
        for n, voter in enumerate(voters.values()):
            add("ballots", round_id=round_, voter_id=voter, status="counted",
                channel="code" if "code" in str(n) else "account", receipt_hash=f"{n}" * 64)
    engine.dispose()
    return maureen, sanjay, round_


def test_upgrading_keeps_every_ballot_and_links_voters_to_their_accounts(old_database):
    app, runner, url = old_database
    maureen, sanjay, round_ = _seed_0003(url)
    with app.app_context():
        result = runner.invoke(args=["db", "upgrade"])
        assert result.exit_code == 0, result.output
        maureen_key, sanjay_key = (keys.account_key(round_, maureen),
                                   keys.account_key(round_, sanjay))
    engine = create_engine(url)
    with engine.connect() as conn:
        voters = dict(conn.execute(text("SELECT voter_key, account_key FROM voters")).all())
        columns = set(conn.execute(text("SELECT * FROM voters")).keys())
        counted = conn.execute(text(
            "SELECT count(*) FROM ballots WHERE status = 'counted'")).scalar()
        sessions = conn.execute(select(text("count(*)")).select_from(
            text("user_sessions"))).scalar()
    engine.dispose()
    # Keyed now (0015_voter_keys): no plain "user:<id>" or "code:<id>" is left.
    assert all(key.startswith(keys.PREFIX) for key in voters), voters
    assert voters[maureen_key] == maureen_key
    # The code Sanjay used while signed in is his slot now.
    assert list(voters.values()).count(sanjay_key) == 1
    # The old double ballot keeps both rows (nothing is deleted by a migration); the code
    # slot is left unlinked so that the new constraint holds, for the partnership to review.
    assert list(voters.values()).count(maureen_key) == 1
    assert "user_id" not in columns
    assert (counted, sessions) == (3, 0)


def test_downgrading_from_voter_keys_gives_the_plain_ids_back(old_database):
    """The server, with its secret, can undo 0015_voter_keys (nobody else can)."""
    app, runner, url = old_database
    maureen, sanjay, _round = _seed_0003(url)
    with app.app_context():
        for args in (["db", "upgrade"], ["db", "downgrade", "0014_carry_overs"]):
            result = runner.invoke(args=args)
            assert result.exit_code == 0, result.output
    engine = create_engine(url)
    with engine.connect() as conn:
        voters = dict(conn.execute(text("SELECT voter_key, user_id FROM voters")).all())
    engine.dispose()
    assert voters[f"user:{maureen}"] == maureen
    assert sorted(k.split(":")[0] for k in voters) == ["code", "code", "user"]
    assert sorted(v for v in voters.values() if v) == sorted([maureen, sanjay])


def test_downgrading_and_upgrading_again_keeps_every_ballot(old_database):
    """No step rebuilds a table: on SQLite a rebuild of voters or ballots would
    cascade-delete their children."""
    app, runner, url = old_database
    _seed_0003(url)
    with app.app_context():
        for args in (["db", "upgrade"], ["db", "downgrade", "0003"], ["db", "upgrade"]):
            result = runner.invoke(args=args)
            assert result.exit_code == 0, result.output
    engine = create_engine(url)
    with engine.connect() as conn:
        assert conn.execute(text("SELECT count(*) FROM ballots")).scalar() == 3
        assert conn.execute(text("SELECT count(*) FROM voters")).scalar() == 3
    engine.dispose()
