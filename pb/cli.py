"""Command-line tasks, all registered here.

The frame's own commands (``create-admin``, ``demo``, ``audit-verify``, ``backup``,
``restore``) live in this module; each area keeps its commands in its own ``cli.py`` and
lists them in ``AREA_COMMANDS`` below, so ``flask --app pb --help`` shows them all.
"""

from __future__ import annotations

import importlib
import secrets
import sys
from contextlib import contextmanager
from pathlib import Path

import click
from flask import Flask, current_app
from flask.cli import with_appcontext
from sqlalchemy import func, select

from pb import audit
from pb.database import writes
from pb.extensions import db
from pb.models import AuditEntry, Role, RoleAssignment, User, normalise_email
from pb.models.base import utcnow
from pb.passwords import hash_password, password_problem

# (module, command function name) for each area's commands.
AREA_COMMANDS = (
    ("pb.jobs.cli", "worker_command"),
    ("pb.jobs.cli", "outbox_command"),
    ("pb.proposals.cli", "digest_command"),
    ("pb.results.cli", "tally_command"),
    ("pb.grants.cli", "grants_command"),
    ("pb.events.cli", "events_command"),
    ("pb.privacy.cli", "purge_command"),
    ("pb.demo.scale", "scale_demo_command"),
)


def init_app(app: Flask) -> None:
    for command in (create_admin, demo_command, audit_verify, backup_command, restore_command,
                    audit_anchor):
        app.cli.add_command(command)
    for module, name in AREA_COMMANDS:
        app.cli.add_command(getattr(importlib.import_module(module), name))



@click.command("create-admin")
@click.argument("email")
@click.option("--name", default="Administrator", help="Display name for the account.")
@click.option("--password", envvar="PB_ADMIN_PASSWORD", default=None,
              help="Password (default: a random one, printed once). Can also come from "
                   "PB_ADMIN_PASSWORD.")
@with_appcontext
@writes
def create_admin(email: str, name: str, password: str | None) -> None:
    """Create an administrator account, or make an existing account an administrator."""
    email = normalise_email(email)
    generated = password is None
    password = password or secrets.token_urlsafe(12)
    problem = password_problem(password, email=email)
    if problem:
        raise click.BadParameter(problem, param_hint="--password")
    user = User.by_email(email)
    created = user is None
    if created:
        user = User(email=email, display_name=name, password_hash=hash_password(password),
                    email_verified_at=utcnow())
        user.roles.append(RoleAssignment(role=Role.RESIDENT))
        db.session.add(user)
        db.session.flush()
        audit.record("account.registered", user, after={"email": email, "via": "cli"})
    if user.has_role(Role.ADMIN):
        click.echo(f"{email} is already an administrator.")
        db.session.rollback()
        return
    user.roles.append(RoleAssignment(role=Role.ADMIN))
    db.session.flush()
    audit.record("role.assigned", user, after={"user_id": user.id, "role": "admin",
                                               "via": "cli"})
    db.session.commit()
    click.echo(f"{email} is now an administrator.")
    if not created:
        # An existing account keeps its own password; a generated one would not work.
        click.echo("Their password has not changed.")
    elif generated:
        click.echo(f"Password: {password}  (shown once; change it after signing in)")


@click.command("demo")
@with_appcontext
@writes
def demo_command() -> None:
    """Seed (or refresh) the demo neighbourhood. Safe to run more than once."""
    from pb.demo import seed_demo

    accounts = seed_demo()
    click.echo("Demo neighbourhood ready. Sign in at /account/login with any of these:")
    width = max(len(a.email) for a in accounts)
    for account in accounts:
        click.echo(f"  {account.role:<22} {account.email:<{width}}  password: {account.password}")
    from pb.demo.voting import demo_codes

    codes = demo_codes()
    if codes:
        click.echo("Unused demo voting codes for the open vote (each works once): "
                   + ", ".join(codes))


@click.command("audit-verify")
@click.option("--expect", metavar="HASH", default=None,
              help="A head hash published earlier (results page, results JSON, anchors "
                   "file or email): prove the chain still contains it.")
@with_appcontext
def audit_verify(expect: str | None) -> None:
    """Recompute the audit log's hash chain and report the first broken entry, if any.

    With --expect HASH it also proves that the chain still contains that published head,
    which catches entries deleted from the end and a chain recomputed after a change.
    """
    from pb import anchors

    if expect:
        proof = anchors.verify_expected(expect)
        if proof.ok:
            click.echo(f"Audit log intact: {proof.message}.")
            return
        click.echo(f"Audit log BROKEN: {proof.message}.", err=True)
        raise SystemExit(1)
    entries = db.session.scalar(select(func.count()).select_from(AuditEntry))
    with click.progressbar(length=entries, label="Verifying the audit log", show_eta=True,
                           file=sys.stderr) as bar:
        check = audit.verify_chain(progress=bar.update)
    anchors.record_verification(check)
    if check.ok:
        click.echo(f"Audit log intact: {check.entries} entries, head {check.head_hash}.")
        return
    click.echo(f"Audit log BROKEN at entry {check.first_bad_id}: {check.problem}.", err=True)
    raise SystemExit(1)


@click.command("audit-anchor")
@with_appcontext
def audit_anchor() -> None:
    """Daily digest (for cron): verify the audit log and publish its head hash.

    The head is appended to instance/audit-anchors.jsonl and emailed to
    PB_AUDIT_ANCHOR_EMAIL when that is set. Exits 1, publishing nothing, if the chain
    is broken.
    """
    from pb import anchors

    check, anchor = anchors.daily_digest()
    if not check.ok:
        click.echo(f"Audit log BROKEN at entry {check.first_bad_id}: {check.problem}. "
                   "Nothing published.", err=True)
        raise SystemExit(1)
    if anchor is None:
        click.echo("The audit log is empty: nothing to anchor.")
        return
    click.echo(f"Anchored entry {anchor['entry_id']}, head {anchor['head_hash']}.")


@click.command("backup")
@click.argument("target", required=False, type=click.Path(dir_okay=False, path_type=Path))
@with_appcontext
def backup_command(target: Path | None) -> None:
    """Back up the database to TARGET (default: instance/backups/pb-DATE.sqlite or .dump).

    Safe while the app is running. Writes TARGET.json beside it with every table's row
    count and the audit chain's head, read from the backup itself.
    """
    from pb import backup

    target = target or backup.default_backup_path(current_app.instance_path)
    try:
        with _pages_bar("Copying") as report:
            manifest = backup.backup(target, progress=report)
    except backup.BackupError as exc:
        raise click.ClickException(str(exc)) from None
    click.echo(f"Backed up to {target}: {sum(manifest.counts.values())} rows in "
               f"{len(manifest.counts)} tables, {manifest.audit_entries} audit entries, "
               f"head {manifest.audit_head}.")


@click.command("restore")
@click.argument("source", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--yes", is_flag=True, help="Confirm: the current database is replaced.")
@with_appcontext
@writes
def restore_command(source: Path, yes: bool) -> None:
    """Replace the database with the backup SOURCE (stop the app servers first).

    The backup is checked against its manifest before anything changes, and the restored
    database is checked against it afterwards.
    """
    from pb import backup

    if not yes:
        raise click.ClickException("This replaces the current database with the backup. "
                                   "Stop the app, then run again with --yes.")
    try:
        with _pages_bar("Restoring") as report:
            manifest = backup.restore(source, progress=report)
    except backup.BackupError as exc:
        raise click.ClickException(str(exc)) from None
    click.echo(f"Restored {source}: {sum(manifest.counts.values())} rows, audit head "
               f"{manifest.audit_head} verified.")


@contextmanager
def _pages_bar(label: str):
    """A progress bar fed (done, total) pages by SQLite's backup API."""
    bar = None

    def report(done: int, total: int) -> None:
        nonlocal bar
        if bar is None:
            bar = click.progressbar(length=max(total, 1), label=label, show_eta=True,
                                    file=sys.stderr)
            bar.__enter__()
        bar.update(done - bar.pos)

    try:
        yield report
    finally:
        if bar is not None:
            bar.__exit__(None, None, None)
