"""Audit log (G11): 1,000 random tamper trials, each found by ``pb.audit.verify_chain`` at the
exact entry; and on PostgreSQL an app role that can add audit entries but never change or
delete them (the SQL in docs/security.md, run as written)."""

from __future__ import annotations

import random
import re
from pathlib import Path

import pytest
from sqlalchemy import create_engine, delete, select, text, update
from sqlalchemy.engine import make_url
from sqlalchemy.exc import ProgrammingError

from pb import audit
from pb.extensions import db
from pb.models.audit import SQLITE_TRIGGERS, AuditEntry

ENTRIES = 120
TRIALS = 1_000
FIELDS = ("action", "actor_label", "object_id", "after_json", "before_json", "ip_address")


def _build_log() -> list[AuditEntry]:
    for n in range(ENTRIES):
        audit.record(f"trust.test_{n % 7}", object_type="Round", object_id=str(n % 13),
                     before={"n": n}, after={"budget_pence": 10_000 * n})
    db.session.commit()
    return db.session.scalars(select(AuditEntry).order_by(AuditEntry.id)).all()


def _tamper(rng: random.Random, rows: list[dict]) -> tuple[str, int, str | None]:
    """Change the log one way at random; return (kind, id expected to be named, head check)."""
    kind = rng.choice(["edit", "edit and re-hash", "delete", "swap", "insert forged"])
    victim = rng.randrange(1, ENTRIES)  # never the head: see the head-hash trials below
    table = AuditEntry.__table__
    if kind == "edit":
        field = rng.choice(FIELDS)
        db.session.execute(update(table).where(table.c.id == victim).values(
            {field: (rows[victim - 1][field] or "") + "x"}))
        return kind, victim, None
    if kind == "edit and re-hash":
        entry = db.session.get(AuditEntry, victim)
        entry.action = entry.action + ".forged"
        entry.entry_hash = entry.compute_hash()
        db.session.flush()
        return kind, victim + 1, None  # the next entry no longer follows it
    if kind == "delete":
        db.session.execute(delete(table).where(table.c.id == victim))
        return kind, victim, "missing"
    if kind == "swap":
        other = victim + 1
        a, b = rows[victim - 1], rows[other - 1]
        for row, target in ((a, other), (b, victim)):
            db.session.execute(update(table).where(table.c.id == target).values(
                {f: row[f] for f in FIELDS + ("created_at",)}))
        return kind, victim, None
    # A forged entry squeezed in: ids after it are shifted up by one.
    db.session.execute(update(table).where(table.c.id > victim).values(id=table.c.id + 10_000))
    forged = dict(rows[victim - 1], id=victim + 1, action="trust.forged",
                  entry_hash="f" * 64)
    db.session.execute(table.insert().values(forged))
    return kind, victim + 1, None


@pytest.fixture
def without_append_only_triggers(app, database):
    """The attacker here has the database file or its owner's password, so the triggers
    that refuse UPDATE and DELETE are out of their way; the chain must still tell."""
    if database[0] == "sqlite":
        db.session.execute(text("DROP TRIGGER audit_entries_no_update"))
        db.session.execute(text("DROP TRIGGER audit_entries_no_delete"))
    else:
        db.session.execute(text("ALTER TABLE audit_entries DISABLE TRIGGER "
                                "audit_entries_append_only"))
    db.session.commit()
    yield
    db.session.rollback()
    if database[0] == "sqlite":
        for statement in SQLITE_TRIGGERS:
            db.session.execute(text(statement))
    else:
        db.session.execute(text("ALTER TABLE audit_entries ENABLE TRIGGER "
                                "audit_entries_append_only"))
    db.session.commit()


def test_a_thousand_tamper_trials_are_all_found_at_the_exact_entry(
        app, without_append_only_triggers, figure):
    _build_log()
    clean = audit.verify_chain()
    assert clean.ok and clean.entries == ENTRIES
    table = AuditEntry.__table__
    rows = [dict(r._mapping) for r in db.session.execute(select(table).order_by(table.c.id))]
    db.session.commit()
    rng = random.Random(14)
    found, exact, kinds = 0, 0, {}
    for _ in range(TRIALS):
        kind, expected, note = _tamper(rng, rows)
        db.session.expire_all()
        check = audit.verify_chain()
        db.session.rollback()
        kinds[kind] = kinds.get(kind, 0) + 1
        if not check.ok:
            found += 1
            named = (int(re.search(r"entry (\d+) is missing", check.problem).group(1))
                     if note == "missing" else check.first_bad_id)
            exact += named == expected
    # The head itself: changed and re-hashed, only the published head hash shows it.
    db.session.expire_all()
    head = db.session.get(AuditEntry, ENTRIES)
    head.action = "trust.forged"
    head.entry_hash = head.compute_hash()
    db.session.flush()
    forged_head = audit.verify_chain()
    db.session.rollback()
    assert audit.verify_chain().head_hash == clean.head_hash
    figure("audit tamper trials", trials=TRIALS, detected=found, at_exact_entry=exact,
           entries=ENTRIES, kinds=dict(sorted(kinds.items())),
           head_rewrite_caught_by_published_head=int(forged_head.head_hash != clean.head_hash))
    assert found == exact == TRIALS
    assert forged_head.head_hash != clean.head_hash


# PostgreSQL: an app role that cannot rewrite history -------------------------------------------

DOC = Path(__file__).resolve().parents[2] / "docs" / "security.md"


def _role_sql() -> str:
    match = re.search(r"```sql\n(-- pb app role.*?)```", DOC.read_text(), re.DOTALL)
    assert match, "docs/security.md must hold the app role SQL block"
    return match.group(1)


@pytest.mark.postgres
def test_postgres_app_role_can_insert_audit_entries_but_not_update_or_delete(
        app, database, figure):
    if database[0] != "postgresql":
        pytest.skip("PostgreSQL only (run with PB_TEST_DATABASE_URL)")
    _build_log()
    owner_url = make_url(database[1])
    role = f"pb_app_{owner_url.database[-8:]}"
    sql = _role_sql().replace("pb_app", role).replace("change-me", "trust-test-password")
    owner = create_engine(owner_url, isolation_level="AUTOCOMMIT")
    with owner.connect() as conn:
        conn.execute(text(f"DROP ROLE IF EXISTS {role}"))
        for statement in [s.strip() for s in sql.split(";") if s.strip()]:
            if not statement.startswith("--") or "\n" in statement:
                conn.execute(text(statement.replace("pb_database", f'"{owner_url.database}"')))
    app_url = owner_url.set(username=role, password="trust-test-password")
    engine = create_engine(app_url)
    refused = {}
    try:
        for verb, statement in (("UPDATE", "UPDATE audit_entries SET action = 'x' WHERE id = 1"),
                                ("DELETE", "DELETE FROM audit_entries WHERE id = 1"),
                                ("TRUNCATE", "TRUNCATE audit_entries")):
            with engine.connect() as conn:
                try:
                    conn.execute(text(statement))
                    conn.commit()
                    refused[verb] = False
                except ProgrammingError as exc:
                    refused[verb] = "permission denied" in str(exc)
        with engine.connect() as conn:
            conn.execute(text(
                "INSERT INTO audit_entries (id, created_at, actor_label, action, object_type,"
                " prev_hash, entry_hash) VALUES (100000, now(), 'system', 'trust.app_role',"
                " 'Test', 'p', 'h')"))
            conn.execute(text("UPDATE users SET display_name = display_name WHERE false"))
            conn.commit()
            inserted = conn.execute(text(
                "SELECT count(*) FROM audit_entries WHERE id = 100000")).scalar()
    finally:
        engine.dispose()
        with owner.connect() as conn:
            conn.execute(text(f'REASSIGN OWNED BY {role} TO CURRENT_USER'))
            conn.execute(text(f"DROP OWNED BY {role}"))
            conn.execute(text(f"DROP ROLE {role}"))
        owner.dispose()
    figure("postgres app role", update_refused=int(refused["UPDATE"]),
           delete_refused=int(refused["DELETE"]), truncate_refused=int(refused["TRUNCATE"]),
           insert_allowed=inserted)
    assert refused == {"UPDATE": True, "DELETE": True, "TRUNCATE": True} and inserted == 1
