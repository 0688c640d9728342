"""No message lost: the file mail backend under concurrent writers (issue 8, item 8)."""

from __future__ import annotations

import multiprocessing
import threading
from datetime import datetime
from email import message_from_bytes
from pathlib import Path

import pytest

from pb import mail
from pb.mail import send_mail, write_new_file

WRITERS = 8
EACH = 25
FROZEN = datetime(2026, 5, 14, 9, 30, 0, 123456)


@pytest.fixture
def file_mail(app, monkeypatch):
    app.config["MAIL_BACKEND"] = "file"
    # Every writer gets the same timestamp: the old backend named files by it alone.
    monkeypatch.setattr(mail, "utcnow", lambda: FROZEN)
    return Path(app.instance_path) / "mail"


def _receipts(folder: Path) -> list[str]:
    return sorted(message_from_bytes(p.read_bytes())["To"] for p in folder.glob("*.eml"))


def test_concurrent_threads_each_keep_their_message(app, file_mail):
    barrier = threading.Barrier(WRITERS)
    errors: list[BaseException] = []

    def writer(n: int) -> None:
        with app.app_context():
            barrier.wait()
            try:
                for i in range(EACH):
                    send_mail(f"voter{n}-{i}@example.org", "Your ballot was received",
                              f"Receipt for voter {n}, ballot {i}.")
            except BaseException as exc:  # noqa: BLE001 - reported below
                errors.append(exc)

    threads = [threading.Thread(target=writer, args=(n,)) for n in range(WRITERS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert errors == []
    expected = sorted(f"voter{n}-{i}@example.org" for n in range(WRITERS) for i in range(EACH))
    assert _receipts(file_mail) == expected
    # No temporary files are left behind, and nothing is half written.
    assert [p.name for p in file_mail.iterdir() if not p.name.endswith(".eml")] == []


def _process_writer(folder: str, n: int, start) -> None:
    start.wait()
    for i in range(EACH):
        body = f"To: voter{n}-{i}@example.org\nSubject: receipt\n\nballot {i}\n".encode()
        write_new_file(Path(folder), "20260514T093000123456", ".eml", body)


def test_concurrent_processes_each_keep_their_message(tmp_path):
    folder = tmp_path / "mail"
    folder.mkdir()
    context = multiprocessing.get_context("fork")
    start = context.Event()
    workers = [context.Process(target=_process_writer, args=(str(folder), n, start))
               for n in range(WRITERS)]
    for worker in workers:
        worker.start()
    start.set()
    for worker in workers:
        worker.join(timeout=60)
        assert worker.exitcode == 0
    expected = sorted(f"voter{n}-{i}@example.org" for n in range(WRITERS) for i in range(EACH))
    assert _receipts(folder) == expected


def test_a_name_that_exists_is_never_overwritten(tmp_path, monkeypatch):
    first = write_new_file(tmp_path, "stamp", ".eml", b"first")
    # Force the random part to repeat once: the second write must pick another name.
    taken = first.name.split("-")[-1].removesuffix(".eml")
    tokens = iter(["7" * 16, taken, "b" * 16])  # temporary name, a clash, a free name
    monkeypatch.setattr(mail.secrets, "token_hex", lambda _n: next(tokens))
    second = write_new_file(tmp_path, "stamp", ".eml", b"second")
    assert first.read_bytes() == b"first" and second.read_bytes() == b"second"
    assert first != second
