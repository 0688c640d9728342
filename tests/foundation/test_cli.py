"""Command-line tasks: create-admin and the demo seed."""

from __future__ import annotations

import re
from collections import Counter

import pytest
from sqlalchemy import select

from pb.extensions import db
from pb.models import AuditEntry, Role, User
from tests.factories import PASSWORD
from tests.web import signed_in

ADMIN_PASSWORD = "lighthouse-keeper-31"


def _user(email: str) -> User | None:
    db.session.expire_all()
    return db.session.scalar(select(User).where(User.email == email))


# create-admin ---------------------------------------------------------------------------------

def test_create_admin_makes_a_new_verified_administrator(runner, client, sign_in):
    result = runner.invoke(args=["create-admin", "Sam.Jones@Example.org", "--name", "Sam",
                                 "--password", ADMIN_PASSWORD])
    assert result.exit_code == 0, result.output
    assert "sam.jones@example.org is now an administrator." in result.output
    assert ADMIN_PASSWORD not in result.output
    user = _user("sam.jones@example.org")
    assert user.display_name == "Sam" and user.is_admin and user.is_verified
    assert user.role_set() == {Role.RESIDENT, Role.ADMIN}
    actions = list(db.session.scalars(select(AuditEntry.action)))
    assert actions == ["account.registered", "role.assigned"]
    sign_in("sam.jones@example.org", ADMIN_PASSWORD)
    assert client.get("/admin/").status_code == 200


def test_create_admin_without_a_password_prints_a_working_one(runner, client, sign_in):
    result = runner.invoke(args=["create-admin", "sam.jones@example.org"])
    assert result.exit_code == 0, result.output
    password = re.search(r"Password: (\S+)", result.output).group(1)
    sign_in("sam.jones@example.org", password)


def test_create_admin_reads_the_password_from_the_environment(runner, client, sign_in):
    result = runner.invoke(args=["create-admin", "sam.jones@example.org"],
                           env={"PB_ADMIN_PASSWORD": ADMIN_PASSWORD})
    assert result.exit_code == 0, result.output
    assert "Password:" not in result.output
    sign_in("sam.jones@example.org", ADMIN_PASSWORD)


def test_create_admin_promotes_an_existing_account_and_keeps_its_password(
        runner, client, neighbourhood, sign_in):
    resident = neighbourhood.users["resident"]
    old_hash = resident.password_hash
    result = runner.invoke(args=["create-admin", resident.email])
    assert result.exit_code == 0, result.output
    assert "is now an administrator" in result.output
    assert "Password:" not in result.output  # their own password did not change
    user = _user(resident.email)
    assert user.is_admin and user.password_hash == old_hash
    sign_in(resident, PASSWORD)
    assert client.get("/admin/").status_code == 200


def test_create_admin_twice_says_so_and_changes_nothing(runner, neighbourhood):
    admin = neighbourhood.users["admin"]
    entries = db.session.scalar(select(db.func.count()).select_from(AuditEntry))
    result = runner.invoke(args=["create-admin", admin.email])
    assert result.exit_code == 0
    assert "already an administrator" in result.output
    assert [a.role for a in _user(admin.email).roles].count(Role.ADMIN) == 1
    assert db.session.scalar(select(db.func.count()).select_from(AuditEntry)) == entries


@pytest.mark.parametrize("password", ["short-1", "password123", "sam.jones@example.org"])
def test_create_admin_refuses_a_bad_password(runner, password):
    result = runner.invoke(args=["create-admin", "sam.jones@example.org",
                                 "--password", password])
    assert result.exit_code == 2
    assert "--password" in result.output
    assert _user("sam.jones@example.org") is None


# demo ---------------------------------------------------------------------------------------------

VOLATILE_AUDIT_COLUMNS = {"created_at", "entry_hash", "prev_hash", "id"}


def _database_state() -> dict[str, Counter]:
    """Every row of every table; the audit log without its timestamps and hashes."""
    state = {}
    for table in db.metadata.sorted_tables:
        columns = [c for c in table.columns
                   if table.name != "audit_entries" or c.name not in VOLATILE_AUDIT_COLUMNS]
        rows = db.session.execute(select(*columns)).all()
        state[table.name] = Counter(tuple(row) for row in rows)
    return state


def _logins(output: str) -> list[tuple[str, str]]:
    return re.findall(r"(\S+@\S+)\s+password: (\S+)", output)


def test_demo_twice_gives_the_same_data_and_every_login_works(app, runner, sign_in):
    from pb.demo import ACCOUNTS

    first = runner.invoke(args=["demo"])
    assert first.exit_code == 0, first.output + repr(first.exception)
    after_first = _database_state()
    second = runner.invoke(args=["demo"])
    assert second.exit_code == 0, second.output + repr(second.exception)
    db.session.expire_all()
    after_second = _database_state()

    changed = {name: (sum(after_first[name].values()), sum(after_second[name].values()))
               for name in after_first if after_first[name] != after_second[name]}
    assert not changed, f"tables that changed on the second run (rows before, after): {changed}"
    assert sum(after_first["users"].values()) >= len({a.email for a in ACCOUNTS})
    assert sum(after_first["rounds"].values()) >= 3

    logins = _logins(first.output)
    assert {email for email, _ in logins} == {a.email for a in ACCOUNTS}
    assert _logins(second.output) == logins
    for email, password in logins:
        client = app.test_client()
        sign_in(email, password, client=client)
        assert signed_in(client)


def test_demo_accounts_hold_their_roles(app, runner):
    from pb.demo import ACCOUNTS, ROLE_FOR_ACCOUNT

    assert runner.invoke(args=["demo"]).exit_code == 0
    for account in ACCOUNTS:
        user = _user(account.email)
        assert ROLE_FOR_ACCOUNT[account.role] in user.role_set(), account
        assert user.is_verified
    roles = {ROLE_FOR_ACCOUNT[a.role] for a in ACCOUNTS}
    assert roles == set(Role)  # one demo account for every role
