"""Sending email through a small interface with swappable backends.

``file`` (the default) writes each message to ``instance/mail/`` and the log, so
the demo needs no mail server (each message gets a file of its own, never overwritten,
however many workers write at once); ``console`` only logs; ``smtp`` sends; ``memory``
keeps messages in ``app.extensions["pb_outbox"]`` for tests.
"""

from __future__ import annotations

import os
import secrets
import smtplib
from email.message import EmailMessage
from pathlib import Path

from flask import current_app

from pb.models.base import utcnow


def send_mail(to: str, subject: str, body: str) -> EmailMessage:
    message = EmailMessage()
    message["From"] = current_app.config["MAIL_FROM"]
    message["To"] = to
    message["Subject"] = subject
    message.set_content(body)
    BACKENDS[current_app.config["MAIL_BACKEND"]](message)
    return message


def _console(message: EmailMessage) -> None:
    current_app.logger.info("Email to %s: %s\n%s", message["To"], message["Subject"],
                            message.get_content())


def _file(message: EmailMessage) -> None:
    folder = Path(current_app.instance_path) / "mail"
    folder.mkdir(parents=True, exist_ok=True)
    write_new_file(folder, utcnow().strftime("%Y%m%dT%H%M%S%f"), ".eml", bytes(message))
    _console(message)


def write_new_file(folder: Path, stem: str, suffix: str, content: bytes) -> Path:
    """Write ``content`` to a file of its own in ``folder`` and return its path.

    The name adds the process id and 64 random bits to ``stem`` (a timestamp sorts the
    folder). The content goes to a private temporary file first, which is then linked
    to the final name: the link creates the name exclusively (it fails rather than
    replace an existing file) and readers never see a half-written message.
    """
    temporary = folder / f".tmp-{os.getpid()}-{secrets.token_hex(8)}"
    fd = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(content)
            handle.flush()
            os.fsync(handle.fileno())
        while True:
            path = folder / f"{stem}-{os.getpid()}-{secrets.token_hex(8)}{suffix}"
            try:
                os.link(temporary, path)
            except FileExistsError:  # 64 random bits: all but impossible, but never overwrite
                continue
            return path
    finally:
        temporary.unlink(missing_ok=True)


def _smtp(message: EmailMessage) -> None:
    config = current_app.config
    with smtplib.SMTP(config["MAIL_SERVER"], config["MAIL_PORT"], timeout=20) as smtp:
        if config["MAIL_USE_TLS"]:
            smtp.starttls()
        if config["MAIL_USERNAME"]:
            smtp.login(config["MAIL_USERNAME"], config["MAIL_PASSWORD"])
        smtp.send_message(message)


def _memory(message: EmailMessage) -> None:
    current_app.extensions.setdefault("pb_outbox", []).append(message)


BACKENDS = {"console": _console, "file": _file, "smtp": _smtp, "memory": _memory}
