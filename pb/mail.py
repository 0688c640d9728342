"""Sending email through a small interface with swappable backends.

``file`` (the default) writes each message to ``instance/mail/`` and the log, so
the demo needs no mail server; ``console`` only logs; ``smtp`` sends; ``memory``
keeps messages in ``app.extensions["pb_outbox"]`` for tests.
"""

from __future__ import annotations

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
    stamp = utcnow().strftime("%Y%m%dT%H%M%S%f")
    (folder / f"{stamp}.eml").write_bytes(bytes(message))
    _console(message)


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
