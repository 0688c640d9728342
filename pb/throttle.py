"""Increasing delays for wrong guesses (passwords, voting codes): slow down, never lock out.

Following OWASP ASVS 4.0.3 V2.2.1 and NIST SP 800-63B §5.2.2, a wrong guess never
locks anything. Each *key* (an account, an address, a device, the first characters of
a voting code) has a few free failures within the window; after those, every further
failure doubles the wait before that key's next attempt is even checked, from
``THROTTLE_FIRST_DELAY`` up to the key's cap. When the wait is over the next attempt
is checked as usual, so the right password always works again after at most the cap
(and at once through an emailed unlock link, see ``pb.auth.signin``).

Failures are rows in the database (``LoginAttempt``, ``VotingCodeAttempt``), so every
worker sees the same counts. Time comes from ``now()``, which tests replace through
the ``CLOCK`` setting (a callable returning naive UTC).
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import datetime, timedelta

from flask import current_app
from flask_babel import ngettext

from pb.errors import Throttled
from pb.models.base import utcnow


def now() -> datetime:
    clock = current_app.config.get("CLOCK")
    return clock() if clock is not None else utcnow()


@dataclass(frozen=True)
class Limit:
    """How patient pb is with one kind of key."""

    key: str  # what is being limited, in words: "account", "connection", "device"...
    free: int  # failures within the window that cost nothing
    first_delay: timedelta
    max_delay: timedelta
    window: timedelta

    def delay_after(self, failures: int) -> timedelta:
        """The wait after ``failures`` failures: none, then doubling up to the cap."""
        if failures < self.free:
            return timedelta(0)
        doublings = min(failures - self.free, 40)  # 2**40 seconds is past any cap
        return min(self.first_delay * (2 ** doublings), self.max_delay)

    def wait(self, failures: int, last_failure_at: datetime | None,
             at: datetime) -> timedelta:
        """How long from ``at`` until this key may try again (zero: it may now)."""
        if not failures or last_failure_at is None:
            return timedelta(0)
        return max(last_failure_at + self.delay_after(failures) - at, timedelta(0))


def limit(key: str, free_setting: str, cap_setting: str = "THROTTLE_MAX_DELAY") -> Limit:
    config = current_app.config
    return Limit(key, int(config[free_setting]), config["THROTTLE_FIRST_DELAY"],
                 config[cap_setting], config["THROTTLE_WINDOW"])


class Wait(Throttled):
    """Too many recent failures for one key: try again after ``retry_after`` seconds."""

    def __init__(self, message: str, retry_after: timedelta, **kwargs):
        super().__init__(message, **kwargs)
        self.retry_after = max(1, math.ceil(retry_after.total_seconds()))


def say_wait(wait: timedelta) -> str:
    """'12 seconds', '3 minutes': how long, in words a person reads at a glance."""
    seconds = max(1, math.ceil(wait.total_seconds()))
    if seconds < 90:
        return ngettext("%(num)d second", "%(num)d seconds", seconds)
    minutes = math.ceil(seconds / 60)
    return ngettext("%(num)d minute", "%(num)d minutes", minutes)


def check(waits: list[tuple[Limit, int, datetime | None]], at: datetime,
          message: str) -> None:
    """Raise ``Wait`` (429) if any key must still wait; ``message`` takes ``{wait}``."""
    longest = max((lim.wait(failures, last, at) for lim, failures, last in waits),
                  default=timedelta(0))
    if longest > timedelta(0):
        raise Wait(message.format(wait=say_wait(longest)), longest)
