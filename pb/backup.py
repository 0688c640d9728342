"""Backups that are proven restorable: ``flask --app pb backup`` and ``restore``.

A backup is one file plus a manifest (``FILE.json``) holding, as read FROM THE BACKUP
ITSELF, the row count of every table, the audit chain's head hash and whether the chain
verifies. A restore checks the file against its manifest before touching the live
database, and checks the live database against the manifest afterwards.

SQLite is copied with its online backup API, which takes a consistent snapshot while the
app goes on writing (WAL readers never block). PostgreSQL uses ``pg_dump -Fc`` (one
snapshot of the whole database) and ``pg_restore --clean --single-transaction``.
"""

from __future__ import annotations

import json
import shutil
import sqlite3

# Waiver for bandit B404: pg_dump/pg_restore run with argument lists, never a shell.
import subprocess  # nosec B404
from collections.abc import Callable
from dataclasses import asdict, dataclass
from pathlib import Path

from sqlalchemy import create_engine, func, select
from sqlalchemy.engine import make_url
from sqlalchemy.orm import Session

from pb.audit import verify_chain
from pb.extensions import db
from pb.models.base import utcnow

Progress = Callable[[int, int], None]


class BackupError(Exception):
    """A backup or restore that could not be done or did not check out."""


@dataclass(frozen=True)
class Manifest:
    kind: str  # "sqlite" or "postgresql"
    created_at: str
    counts: dict[str, int]
    audit_entries: int
    audit_head: str
    audit_ok: bool

    def save(self, backup: Path) -> Path:
        path = manifest_path(backup)
        path.write_text(json.dumps(asdict(self), indent=2, sort_keys=True) + "\n")
        return path

    @classmethod
    def load(cls, backup: Path) -> Manifest:
        try:
            return cls(**json.loads(manifest_path(backup).read_text()))
        except (OSError, ValueError, TypeError) as exc:
            raise BackupError(f"The manifest {manifest_path(backup)} is missing or unreadable: "
                              f"{exc}") from exc


def manifest_path(backup: Path) -> Path:
    return backup.with_name(backup.name + ".json")


def database_kind() -> str:
    return db.engine.dialect.name


def default_backup_path(instance_path: str) -> Path:
    stamp = utcnow().strftime("%Y%m%d-%H%M%S")
    suffix = "sqlite" if database_kind() == "sqlite" else "dump"
    return Path(instance_path) / "backups" / f"pb-{stamp}.{suffix}"


# Reading a database's facts -------------------------------------------------------------

def facts_of(engine) -> Manifest:
    """Counts and audit head of the database behind ``engine``, as a manifest."""
    with Session(engine) as session:
        counts = {table.name: session.scalar(select(func.count()).select_from(table))
                  for table in db.metadata.sorted_tables}
        check = verify_chain(session)
    return Manifest(engine.dialect.name, utcnow().isoformat(timespec="seconds") + "Z", counts,
                    check.entries, check.head_hash, check.ok)


def _differences(expected: Manifest, actual: Manifest) -> list[str]:
    problems = [f"{name}: {expected.counts[name]} rows expected, {actual.counts.get(name)} found"
                for name in expected.counts if expected.counts[name] != actual.counts.get(name)]
    if expected.audit_head != actual.audit_head:
        problems.append(f"audit head {actual.audit_head[:12]}… instead of "
                        f"{expected.audit_head[:12]}…")
    if not actual.audit_ok:
        problems.append("the audit chain does not verify")
    return problems


# SQLite -----------------------------------------------------------------------------------

def _sqlite_path() -> Path:
    return Path(make_url(db.engine.url).database)


def _copy_sqlite(source: Path, target: Path, progress: Progress | None,
                 pages: int = -1) -> None:
    # pages=-1 copies in one step, inside one read transaction: a consistent snapshot that
    # writers (WAL) do not disturb. Copying in steps would restart at every write.
    with sqlite3.connect(source) as src, sqlite3.connect(target) as dst:
        src.execute("PRAGMA busy_timeout=10000")
        src.backup(dst, pages=pages,
                   progress=(lambda _status, left, total: progress(total - left, total))
                   if progress else None)
    with sqlite3.connect(target) as check:
        result = check.execute("PRAGMA integrity_check").fetchone()[0]
    if result != "ok":
        raise BackupError(f"SQLite's integrity check of {target} says: {result}")


def _sqlite_engine(path: Path):
    return create_engine(f"sqlite:///{path}")


# PostgreSQL -------------------------------------------------------------------------------

def _libpq_url() -> str:
    # pg_dump speaks libpq URLs: postgresql://..., without SQLAlchemy's +psycopg.
    url = make_url(db.engine.url).set(drivername="postgresql")
    return url.render_as_string(hide_password=False)


def _run(command: list[str], on_line: Callable[[str], None] | None = None) -> None:
    """Run pg_dump or pg_restore; ``on_line`` is given each line it writes to stderr as it
    comes (its --verbose lines name each table as it goes: the progress bar's steps)."""
    try:
        # Waivers for bandit B404 (importing subprocess) and B603: a fixed program (pg_dump/pg_restore) and arguments built by pb, no shell.
        process = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,  # nosec B603
                                   text=True)
    except FileNotFoundError as exc:
        raise BackupError(f"{command[0]} is not installed (it comes with PostgreSQL's client "
                          "tools).") from exc
    errors = []
    with process:
        for line in process.stderr:
            if on_line is not None:
                on_line(line)
            if "error" in line.lower() or "fatal" in line.lower():
                errors.append(line.strip())
        try:
            process.wait(timeout=3600)
        except subprocess.TimeoutExpired as exc:
            process.kill()
            raise BackupError(f"{command[0]} did not finish within an hour.") from exc
    if process.returncode != 0:
        raise BackupError(f"{command[0]} failed: {' '.join(errors).strip()[:500]}")


class _Tables:
    """Progress through pg_dump's or pg_restore's tables, from their --verbose lines."""

    def __init__(self, progress: Progress | None, marker: str, before: int = 0,
                 phases: int = 1):
        self.progress, self.marker = progress, marker
        self.tables = len(db.metadata.sorted_tables) + 1  # and alembic_version
        self.done, self.before, self.total = 0, before, self.tables * phases

    def line(self, text: str) -> None:
        if self.progress is not None and self.marker in text:
            self.done = min(self.done + 1, self.tables)
            self.progress(self.before + self.done, self.total)

    def finish(self) -> None:
        if self.progress is not None:
            self.progress(self.before + self.tables, self.total)


# Use cases --------------------------------------------------------------------------------

def backup(target: Path, progress: Progress | None = None) -> Manifest:
    """Write a backup of the app's database to ``target`` and its manifest beside it."""
    target.parent.mkdir(parents=True, exist_ok=True)
    if target.exists():
        raise BackupError(f"{target} already exists: choose a new file name.")
    if database_kind() == "sqlite":
        _copy_sqlite(_sqlite_path(), target, progress)
        engine = _sqlite_engine(target)
        try:
            manifest = facts_of(engine)
        finally:
            engine.dispose()
    else:
        # Two steps a table: dumping it, then restoring it into a scratch database to check.
        dumping = _Tables(progress, "dumping contents of table", phases=2)
        _run(["pg_dump", "--verbose", "--format=custom", "--no-owner", f"--file={target}",
              _libpq_url()], on_line=dumping.line)
        dumping.finish()
        manifest = _facts_of_dump(target, _Tables(progress, "processing data for table",
                                                  before=dumping.tables, phases=2))
    if not manifest.audit_ok:
        raise BackupError("The backup was written, but its audit chain does not verify: the "
                          "live database may have been tampered with. Run audit-verify.")
    manifest.save(target)
    return manifest


def _facts_of_dump(dump: Path, restoring: _Tables) -> Manifest:
    """Restore a dump into a scratch database to read its facts (then drop it)."""
    from sqlalchemy import text

    base = make_url(db.engine.url)
    scratch = f"pb_backup_check_{utcnow().strftime('%Y%m%d%H%M%S%f')}"
    admin = create_engine(base, isolation_level="AUTOCOMMIT")
    try:
        with admin.connect() as conn:
            conn.execute(text(f'CREATE DATABASE "{scratch}"'))
        scratch_url = base.set(database=scratch)
        _run(["pg_restore", "--verbose", "--no-owner", "--single-transaction", "--exit-on-error",
              f"--dbname={scratch_url.set(drivername='postgresql').render_as_string(hide_password=False)}",
              str(dump)], on_line=restoring.line)
        restoring.finish()
        engine = create_engine(scratch_url)
        try:
            return facts_of(engine)
        finally:
            engine.dispose()
    finally:
        with admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{scratch}" WITH (FORCE)'))
        admin.dispose()


def restore(source: Path, progress: Progress | None = None) -> Manifest:
    """Replace the app's database with the backup ``source``, checked before and after."""
    expected = Manifest.load(source)
    if expected.kind != database_kind():
        raise BackupError(f"That is a {expected.kind} backup; this installation uses "
                          f"{database_kind()}.")
    if database_kind() == "sqlite":
        engine = _sqlite_engine(source)
        try:
            problems = _differences(expected, facts_of(engine))
        finally:
            engine.dispose()
        if problems:
            raise BackupError("The backup does not match its manifest: " + "; ".join(problems))
        db.session.remove()
        db.engine.dispose()
        live = _sqlite_path()
        staged = live.with_name(live.name + ".restoring")
        shutil.copyfile(source, staged)
        _copy_sqlite(staged, live, progress, pages=1024)  # the app is stopped: steps are safe
        staged.unlink()
    else:
        db.session.remove()
        db.engine.dispose()
        restoring = _Tables(progress, "processing data for table")
        _run(["pg_restore", "--verbose", "--clean", "--if-exists", "--no-owner",
              "--single-transaction", "--exit-on-error", f"--dbname={_libpq_url()}",
              str(source)], on_line=restoring.line)
        restoring.finish()
    problems = _differences(expected, facts_of(db.engine))
    if problems:
        raise BackupError("The restored database does not match the backup: "
                          + "; ".join(problems))
    return expected
