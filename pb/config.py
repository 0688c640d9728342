"""Configuration defaults and the rules for overriding them.

Precedence, lowest first: the defaults below, ``instance/config.py``, ``PB_*``
environment variables, then the mapping passed to ``create_app`` (tests).
"""

from __future__ import annotations

import json
import os
import secrets
from datetime import timedelta
from pathlib import Path


class Config:
    # Database: None means "SQLite in the instance folder" (filled in by the factory).
    SQLALCHEMY_DATABASE_URI: str | None = None
    SQLALCHEMY_ENGINE_OPTIONS: dict = {"pool_pre_ping": True}
    SQLITE_BUSY_TIMEOUT_MS = 10_000

    # SECRET_KEY: None means "read or create instance/secret_key".
    SECRET_KEY: str | None = None

    # Sessions and cookies. SESSION_COOKIE_SECURE is turned on automatically when
    # PREFERRED_URL_SCHEME is https (production behind TLS).
    PREFERRED_URL_SCHEME = "http"
    SESSION_COOKIE_NAME = "pb_session"
    SESSION_COOKIE_HTTPONLY = True
    SESSION_COOKIE_SAMESITE = "Lax"
    SESSION_COOKIE_SECURE = False
    PERMANENT_SESSION_LIFETIME = timedelta(hours=12)
    REMEMBER_COOKIE_DURATION = timedelta(days=14)
    REMEMBER_COOKIE_HTTPONLY = True
    REMEMBER_COOKIE_SAMESITE = "Lax"
    WTF_CSRF_TIME_LIMIT = 12 * 3600

    # Behind a reverse proxy, how many proxies set X-Forwarded-For/-Proto/-Host. The
    # per-IP throttles need the client's real address; 0 trusts no such header.
    PROXY_COUNT = 0

    # Uploads: proposals take images and documents up to this size.
    MAX_CONTENT_LENGTH = 12 * 1024 * 1024
    UPLOAD_MAX_BYTES = 5 * 1024 * 1024

    # Passwords: argon2id, argon2-cffi's RFC 9106 low-memory profile by default.
    # "CHEAPEST" is for tests only.
    ARGON2_PROFILE = "RFC_9106_LOW_MEMORY"
    PASSWORD_MIN_LENGTH = 10
    PASSWORD_MAX_LENGTH = 128

    # Wrong passwords and voting codes slow the guesser down and never lock anyone out
    # (OWASP ASVS 4.0.3 V2.2.1, NIST SP 800-63B 5.2.2; see pb/throttle.py). Each key has
    # some free failures per window; each failure after those doubles the wait before
    # that key's next attempt is checked, from THROTTLE_FIRST_DELAY up to its cap.
    # Addresses get many free failures and a short cap: a community hub puts many
    # people behind one address, and one guesser there must not stop the rest.
    THROTTLE_WINDOW = timedelta(hours=1)
    THROTTLE_FIRST_DELAY = timedelta(seconds=2)
    THROTTLE_MAX_DELAY = timedelta(minutes=15)  # an account, a device, a code prefix
    THROTTLE_MAX_DELAY_PER_ADDRESS = timedelta(minutes=1)
    LOGIN_FREE_FAILURES_PER_ACCOUNT = 5
    LOGIN_FREE_FAILURES_PER_ADDRESS = 100
    CODE_FREE_FAILURES_PER_DEVICE = 5
    CODE_FREE_FAILURES_PER_PREFIX = 5
    CODE_FREE_FAILURES_PER_ADDRESS = 100
    # Tests only: a callable returning naive UTC that the throttles use as the time.
    CLOCK = None
    # An emailed link that lets the right password in at once while an account waits.
    UNLOCK_LINK_MAX_AGE = timedelta(minutes=30)

    # A voting code entered on a shared device is forgotten after this long without use
    # (and at once after its ballot is received).
    VOTING_CODE_IDLE = timedelta(minutes=10)

    # Tokens sent by email.
    EMAIL_VERIFY_MAX_AGE = timedelta(days=3)
    PASSWORD_RESET_MAX_AGE = timedelta(minutes=30)

    # Mail: "file" writes each message to instance/mail/ (and the log), "console" only
    # logs it, "smtp" sends it, "memory" keeps it in app.extensions (tests).
    MAIL_BACKEND = "file"
    MAIL_FROM = "pb <no-reply@pb.localhost>"
    MAIL_SERVER = "localhost"
    MAIL_PORT = 25
    MAIL_USE_TLS = False
    MAIL_USERNAME: str | None = None
    MAIL_PASSWORD: str | None = None
    # Receipt emails go to an outbox table with the ballot and are sent after its commit
    # (pb/jobs/outbox.py): "worker" by the RQ worker with Redis, else a thread of the app
    # server; "inline" by the request itself right after its commit (the test suite).
    # `flask --app pb outbox send` (cron) sends what is left and retries failures.
    MAIL_OUTBOX_SEND = "worker"

    # Redis (PB_REDIS_URL, e.g. redis://127.0.0.1:6379/0): shared rate limits, caches and
    # the background-job queue across app servers. None: one machine's embedded defaults.
    REDIS_URL: str | None = None

    # Abuse limits (pb/limits.py: how often one connection, account or email address may
    # register, ask for reset emails, propose, run the explorer...). PB_RATELIMIT_ENABLED=false
    # switches them off (the test suite does, except in the tests of the limits themselves).
    RATELIMIT_ENABLED = True

    # Background jobs (rule explorer, city tallies, exports). With Redis they go to this RQ
    # queue for `flask --app pb worker`; without it, this many threads per app server run them.
    JOBS_QUEUE = "pb"
    JOB_THREADS = 2
    JOB_TIMEOUT_SECONDS = 600

    # Paging.
    PAGE_SIZE = 20

    # Served over HTTPS (PB_HTTPS=1): cookies are Secure and take the __Host- prefix (bound
    # to this exact host, path /), HSTS is sent, links are built with https. Behind a proxy
    # (PROXY_COUNT) a request the proxy says came over https gets Secure cookies and HSTS too.
    HTTPS = False
    # Signed-in sessions end after this long without a request (OWASP ASVS 4.0.3 3.3.2) and
    # this long after signing in, whichever comes first. Staff (officers, event staff,
    # scrutiny, grant officers, admins) have shorter limits, and "keep me signed in" does
    # not outlast them; a resident who ticks it stays signed in on that device.
    SESSION_IDLE_MINUTES = 60
    SESSION_MAX_HOURS = 12
    SESSION_IDLE_MINUTES_STAFF = 30
    SESSION_MAX_HOURS_STAFF = 8

    # Personal data kept only as long as needed (`flask --app pb purge`, see pb/privacy/):
    # decision-day check-in details (the desk's keyed hashes of name, postcode and age band)
    # and equality monitoring answers. The privacy notice quotes these.
    RETENTION_DAYS_CHECK_IN = 90
    RETENTION_DAYS_EQUALITY = 730

    # Time zone the pages show dates in (the database keeps UTC).
    DISPLAY_TIMEZONE = "Europe/London"

    # Open data (pb/opendata, docs/open-data.md). Each audit anchor (the chain's head at
    # a certified result and in the daily digest) is also emailed here when set.
    AUDIT_ANCHOR_EMAIL: str | None = None
    OPEN_DATA_LICENCE = "Open Government Licence v3.0"
    OPEN_DATA_LICENCE_URL = ("https://www.nationalarchives.gov.uk/doc/"
                             "open-government-licence/version/3/")
    # 360Giving: the publisher's registered prefix (PB_360GIVING_PREFIX, read as
    # "360GIVING_PREFIX"; not a class attribute because it starts with a digit) and the
    # funder's org-id.guide identifier (GB-LAE-<code> for an English local authority).
    FUNDER_ORG_ID = "GB-LAE-CHE"
    FUNDER_ORG_NAME = "Cheshire East Council"


# Settings read from PB_<NAME>; values are parsed as JSON when they look like it
# (numbers, true/false), otherwise kept as strings.
ENV_PREFIX = "PB_"
ENV_ALIASES = {"PB_DATABASE_URL": "SQLALCHEMY_DATABASE_URI"}


# The 360Giving prefix, until one is registered with 360Giving ("360G-pb-...").
DEFAULT_360GIVING_PREFIX = "pb"


def env_overrides(environ: dict[str, str] | None = None) -> dict:
    environ = os.environ if environ is None else environ
    overrides: dict = {}
    for key, raw in environ.items():
        if not key.startswith(ENV_PREFIX) or key.startswith("PB_TEST_"):
            continue
        name = ENV_ALIASES.get(key, key[len(ENV_PREFIX):])
        overrides[name] = _parse_env_value(raw)
    return overrides


def _parse_env_value(raw: str):
    lowered = raw.strip().lower()
    if lowered in ("true", "false"):
        return lowered == "true"
    try:
        value = json.loads(raw)
    except ValueError:
        return raw
    return value if isinstance(value, (int, float)) else raw


def normalise_database_url(url: str) -> str:
    """Accept the URLs hosting platforms hand out (postgres://) and pick psycopg 3."""
    if url.startswith("postgres://"):
        url = "postgresql://" + url[len("postgres://"):]
    if url.startswith("postgresql://"):
        url = "postgresql+psycopg://" + url[len("postgresql://"):]
    return url


def instance_secret_key(instance_path: str) -> str:
    """Read the installation's secret key, creating it (mode 600) on first start."""
    path = Path(instance_path) / "secret_key"
    if path.exists():
        return path.read_text().strip()
    path.parent.mkdir(parents=True, exist_ok=True)
    key = secrets.token_urlsafe(48)
    # Write a private temporary file, then link it into place: the link either creates
    # the complete file or fails because another worker starting at the same moment got
    # there first, in which case its key is the one to use.
    temporary = path.with_name(f".secret_key.{os.getpid()}.{secrets.token_hex(4)}")
    fd = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    try:
        with os.fdopen(fd, "w") as handle:
            handle.write(key + "\n")
        try:
            os.link(temporary, path)
        except FileExistsError:
            return path.read_text().strip()
    finally:
        temporary.unlink(missing_ok=True)
    return key
