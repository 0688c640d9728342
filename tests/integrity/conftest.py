"""Fixtures for the vote-integrity tests: a clock the throttles read, and sign-in helpers."""

from __future__ import annotations

from datetime import timedelta

import pytest

from pb.models.base import utcnow
from tests.factories import PASSWORD


class Clock:
    """The time the throttles see (``CLOCK`` setting); tests move it forward by hand."""

    def __init__(self):
        self.now = utcnow().replace(microsecond=0)

    def __call__(self):
        return self.now

    def advance(self, seconds: float = 0, **kwargs) -> None:
        self.now += timedelta(seconds=seconds, **kwargs)


@pytest.fixture
def clock(app):
    clock = Clock()
    app.config["CLOCK"] = clock
    yield clock
    app.config["CLOCK"] = None


def sign_in(client, email: str, password: str = PASSWORD, address: str | None = None,
            **data):
    """Sign in through the form, from ``address`` if given (else the test client's own)."""
    environ = {"REMOTE_ADDR": address} if address else {}
    return client.post("/account/login", data={"email": email, "password": password, **data},
                       environ_base=environ)


def signed_in(client, address: str | None = None) -> bool:
    environ = {"REMOTE_ADDR": address} if address else {}
    return client.get("/account/", environ_base=environ).status_code == 200
