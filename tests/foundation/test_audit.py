"""The hash-chained, append-only audit log."""

from __future__ import annotations

import re
import threading
from contextlib import contextmanager

import pytest
from sqlalchemy import delete, select, text, update
from sqlalchemy.exc import DBAPIError

from pb import audit
from pb.database import write_intent
from pb.extensions import db
from pb.models import AuditEntry, Role, RoleAssignment
from pb.models.audit import GENESIS_HASH

EMAIL_RE = re.compile(r"[\w.+-]+@[\w-]+\.[\w.-]+")


def _entries() -> list[AuditEntry]:
    db.session.expire_all()
    return list(db.session.scalars(select(AuditEntry).order_by(AuditEntry.id)))


def _record_some(n: int = 6, actor=None) -> list[AuditEntry]:
    for i in range(n):
        audit.record("test.step", object_type="Round", object_id=i,
                     before={"budget_pence": 1000 * i}, after={"budget_pence": 1000 * (i + 1)},
                     actor=actor)
        db.session.commit()
    return _entries()


@contextmanager
def triggers_off():
    """Let the test tamper with the log as someone with direct database access could."""
    if db.session.get_bind().dialect.name == "postgresql":
        db.session.execute(text("ALTER TABLE audit_entries DISABLE TRIGGER USER"))
        try:
            yield
        finally:
            db.session.execute(text("ALTER TABLE audit_entries ENABLE TRIGGER USER"))
            db.session.commit()
    else:
        for name in ("audit_entries_no_update", "audit_entries_no_delete"):
            db.session.execute(text(f"DROP TRIGGER {name}"))
        yield
        db.session.commit()
    db.session.expire_all()


# The chain -----------------------------------------------------------------------------------

def test_entries_form_a_chain(app, neighbourhood):
    entries = _record_some(4, actor=neighbourhood.users["officer"])
    assert [e.id for e in entries] == list(range(1, len(entries) + 1))
    assert entries[0].prev_hash == GENESIS_HASH
    for before, after in zip(entries, entries[1:]):
        assert after.prev_hash == before.entry_hash
    for entry in entries:
        assert entry.entry_hash == entry.compute_hash()
        assert re.fullmatch(r"[0-9a-f]{64}", entry.entry_hash)
    last = entries[-1]
    assert last.actor_id == neighbourhood.users["officer"].id
    assert last.actor_label == "priya.shah@macc.example.org"
    assert last.after == {"budget_pence": 4000}
    check = audit.verify_chain()
    assert check.ok and check.entries == len(entries) and check.head_hash == last.entry_hash


def test_an_empty_log_verifies(app):
    check = audit.verify_chain()
    assert check.ok and check.entries == 0 and check.head_hash == GENESIS_HASH


def test_services_record_who_did_what_through_the_web(client, neighbourhood, sign_in):
    sign_in(neighbourhood.users["admin"].email)
    client.post("/admin/themes/new", data={"name": "Loneliness", "description": ""})
    entry = _entries()[-1]
    assert entry.action == "theme.created"
    assert entry.actor_id == neighbourhood.users["admin"].id
    assert entry.object_type == "Theme" and entry.object_id
    assert entry.ip_address == "127.0.0.1"
    assert audit.verify_chain().ok


def test_record_names_the_object_and_serialises_values(app, neighbourhood):
    round_ = neighbourhood.rounds["voting"]
    entry = audit.record("round.checked", round_, before={
        "voting_open_at": round_.voting_open_at, "budget_pence": round_.budget_pence},
        after={"role": Role.OFFICER})
    db.session.commit()
    assert (entry.object_type, entry.object_id) == ("Round", str(round_.id))
    assert entry.before["budget_pence"] == 50_000_00
    assert entry.before["voting_open_at"] == round_.voting_open_at.isoformat()
    assert entry.after == {"role": "officer"}
    assert entry.actor_label == "system"


@pytest.mark.parametrize("where", [1, 3, 6])
def test_an_edited_entry_is_found(app, neighbourhood, where):
    _record_some()
    with triggers_off():
        db.session.execute(update(AuditEntry).where(AuditEntry.id == where).values(
            after_json='{"budget_pence":999999}'))
    check = audit.verify_chain()
    assert not check.ok
    assert check.first_bad_id == where
    assert check.problem == "its contents do not match its hash"


def test_an_edit_with_a_recomputed_hash_is_found_at_the_next_entry(app, neighbourhood):
    entries = _record_some()
    forged = entries[2]
    with triggers_off():
        forged.after_json = '{"budget_pence":999999}'
        forged.entry_hash = forged.compute_hash()
        db.session.flush()
    check = audit.verify_chain()
    assert not check.ok
    assert check.first_bad_id == 4
    assert check.problem == "it does not follow the entry before it"


def test_an_edited_actor_or_time_is_found(app, neighbourhood):
    entries = _record_some()
    with triggers_off():
        db.session.execute(update(AuditEntry).where(AuditEntry.id == 2).values(
            actor_label="someone.else@example.org"))
        db.session.execute(update(AuditEntry).where(AuditEntry.id == 5).values(
            created_at=entries[4].created_at.replace(year=2020)))
    check = audit.verify_chain()
    assert (check.ok, check.first_bad_id) == (False, 2)


@pytest.mark.parametrize("where", [1, 3])
def test_a_deleted_entry_is_found(app, neighbourhood, where):
    _record_some()
    with triggers_off():
        db.session.execute(delete(AuditEntry).where(AuditEntry.id == where))
    check = audit.verify_chain()
    assert not check.ok
    assert check.problem == f"entry {where} is missing"
    assert check.first_bad_id == where + 1


def test_a_deleted_last_entry_changes_the_head_hash(app, neighbourhood):
    _record_some()
    published = audit.verify_chain().head_hash
    with triggers_off():
        db.session.execute(delete(AuditEntry).where(AuditEntry.id == 6))
    check = audit.verify_chain()
    # The rest still links up: only the published head hash reveals a cut-off tail.
    assert check.ok and check.entries == 5
    assert check.head_hash != published


def test_reordered_entries_are_found(app, neighbourhood):
    _record_some()
    with triggers_off():
        db.session.execute(update(AuditEntry).where(AuditEntry.id == 2).values(id=1000))
        db.session.execute(update(AuditEntry).where(AuditEntry.id == 3).values(id=2))
        db.session.execute(update(AuditEntry).where(AuditEntry.id == 1000).values(id=3))
    check = audit.verify_chain()
    assert (check.ok, check.first_bad_id) == (False, 2)


def test_an_inserted_entry_is_found(app, neighbourhood):
    entries = _record_some()
    after_2 = {"created_at": entries[1].created_at, "prev_hash": entries[1].entry_hash}
    with triggers_off():
        # Make room after entry 2, then slip in a well-formed forgery there. The session
        # forgets the entries it loaded: their ids now belong to other rows.
        for entry_id in range(6, 2, -1):
            db.session.execute(update(AuditEntry).where(AuditEntry.id == entry_id).values(
                id=entry_id + 1))
        db.session.expunge_all()
        forged = AuditEntry(id=3, actor_label="system", action="role.assigned",
                            object_type="User", object_id="1", after_json='{"role":"admin"}',
                            **after_2)
        forged.entry_hash = forged.compute_hash()
        db.session.add(forged)
        db.session.flush()
    check = audit.verify_chain()
    assert not check.ok
    assert check.first_bad_id == 4  # the forgery links up; the moved entry 3 does not


def test_a_forged_entry_appended_at_the_end_is_found(app, neighbourhood):
    entries = _record_some()
    forged = AuditEntry(id=7, created_at=entries[-1].created_at, actor_label="system",
                        action="role.assigned", object_type="User", object_id="1",
                        after_json='{"role":"admin"}', prev_hash="f" * 64)
    forged.entry_hash = forged.compute_hash()
    db.session.add(forged)
    db.session.commit()
    check = audit.verify_chain()
    assert (check.ok, check.first_bad_id) == (False, 7)


# The database refuses changes ---------------------------------------------------------------------

def test_the_database_refuses_to_update_an_entry(app, neighbourhood):
    _record_some(2)
    with pytest.raises(DBAPIError, match="append-only"):
        db.session.execute(update(AuditEntry).where(AuditEntry.id == 1).values(action="x"))
        db.session.flush()
    db.session.rollback()
    entry = _entries()[0]
    entry.after_json = "{}"
    with pytest.raises(DBAPIError, match="append-only"):
        db.session.commit()
    db.session.rollback()
    assert audit.verify_chain().ok


def test_the_database_refuses_to_delete_an_entry(app, neighbourhood):
    _record_some(2)
    with pytest.raises(DBAPIError, match="append-only"):
        db.session.execute(delete(AuditEntry))
        db.session.flush()
    db.session.rollback()
    with pytest.raises(DBAPIError, match="append-only"):
        db.session.execute(text("DELETE FROM audit_entries WHERE id = 2"))
    db.session.rollback()
    assert len(_entries()) == 2


def test_concurrent_writers_keep_one_chain(app, neighbourhood):
    writers, each = 6, 5
    errors: list[BaseException] = []
    start = threading.Barrier(writers)

    def write(n: int) -> None:
        token = write_intent.set(True)  # as a POST request would
        try:
            with app.app_context():
                start.wait()
                for i in range(each):
                    audit.record("test.concurrent", object_type="Round", object_id=n,
                                 after={"i": i})
                    db.session.commit()
                db.session.remove()
        except BaseException as exc:  # noqa: BLE001
            errors.append(exc)
        finally:
            write_intent.reset(token)

    threads = [threading.Thread(target=write, args=(n,)) for n in range(writers)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)
    assert not errors, errors
    check = audit.verify_chain()
    assert check.ok and check.entries == writers * each


# The CLI and the audit log page -------------------------------------------------------------------

def test_audit_verify_command_exit_codes(app, runner, neighbourhood):
    _record_some()
    ok = runner.invoke(args=["audit-verify"])
    assert ok.exit_code == 0, ok.output
    assert "Audit log intact: 6 entries" in ok.output
    with triggers_off():
        db.session.execute(update(AuditEntry).where(AuditEntry.id == 3).values(action="x"))
    broken = runner.invoke(args=["audit-verify"])
    assert broken.exit_code == 1
    assert "BROKEN at entry 3" in broken.output


def _activity(client, neighbourhood, sign_in):
    """Some logged activity that names people by email."""
    sign_in(neighbourhood.users["resident"], "wrong-password-00", expect=400)
    sign_in("stranger.danger@example.org", "wrong-password-00", expect=400)
    sign_in(neighbourhood.users["admin"])
    client.post("/admin/people", data={"email": neighbourhood.users["resident2"].email,
                                       "role": "scrutiny", "partnership_id": "0",
                                       "organisation_id": "0"})
    client.post("/account/logout")


def test_scrutiny_sees_the_chain_state_but_no_email_addresses(app, client, neighbourhood, sign_in):
    _activity(client, neighbourhood, sign_in)
    sign_in(neighbourhood.users["scrutiny"])
    page = client.get("/audit").get_data(as_text=True)
    assert "The chain of" in page and "is intact" in page
    assert audit.verify_chain().head_hash in page
    entries = page.split('class="audit-entries"', 1)[1]
    assert "Gave a role to" in entries and "account.login_failed" not in entries
    with_sign_ins = client.get("/audit?sign_ins=1").get_data(as_text=True)
    assert "Failed to sign in" in with_sign_ins.split('class="audit-entries"', 1)[1]
    page = with_sign_ins
    main = page.split('<main', 1)[1].split("</main>", 1)[0]
    assert not EMAIL_RE.findall(main), EMAIL_RE.findall(main)


def test_admin_sees_who_did_it(app, client, neighbourhood, sign_in):
    _activity(client, neighbourhood, sign_in)
    sign_in(neighbourhood.users["admin"])
    page = client.get("/audit").get_data(as_text=True)
    assert "alex.admin@pb.example.org" in page


def test_the_audit_page_shows_tampering(app, client, neighbourhood, sign_in):
    _record_some()
    with triggers_off():
        db.session.execute(update(AuditEntry).where(AuditEntry.id == 3).values(action="x"))
    sign_in(neighbourhood.users["scrutiny"])
    page = client.get("/audit").get_data(as_text=True)
    assert "The audit log has been tampered with: entry 3" in page


def test_the_audit_page_filters_and_pages(app, client, neighbourhood, sign_in):
    _record_some(55)
    audit.record("role.assigned", object_type="RoleAssignment", object_id=1)
    db.session.commit()
    sign_in(neighbourhood.users["scrutiny"])
    first = client.get("/audit").get_data(as_text=True)
    assert "Page 1 of 2" in first
    only = client.get("/audit", query_string={"action": "role"}).get_data(as_text=True)
    only = only.split('class="audit-entries"', 1)[1]
    assert "role.assigned" in only and "test.step" not in only
    assert client.get("/audit", query_string={"page": "-3"}).status_code == 200
    assert client.get("/audit", query_string={"page": "999"}).status_code == 200


def test_a_revoked_role_is_audited_with_what_it_was(app, client, neighbourhood, sign_in):
    officer2 = neighbourhood.users["officer2"]
    assignment = db.session.scalar(select(RoleAssignment).where(
        RoleAssignment.user_id == officer2.id, RoleAssignment.role == Role.OFFICER))
    sign_in(neighbourhood.users["admin"])
    client.post(f"/admin/roles/{assignment.id}/revoke")
    revoked = _entries()[-1]
    assert revoked.action == "role.revoked"
    assert revoked.object_type == "RoleAssignment" and revoked.object_id == str(assignment.id)
    assert revoked.before == {"user_id": officer2.id, "role": "officer",
                              "partnership_id": neighbourhood.partnership.id,
                              "organisation_id": None}
    assert revoked.actor_id == neighbourhood.users["admin"].id
    assert audit.verify_chain().ok
