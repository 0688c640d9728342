"""``flask --app pb worker``: run background jobs from the Redis queue."""

from __future__ import annotations

import click
from flask import current_app
from flask.cli import with_appcontext


@click.command("worker")
@click.option("--burst", is_flag=True,
              help="Run the jobs waiting now, then stop (for cron or tests).")
@with_appcontext
def worker_command(burst: bool) -> None:
    """Run background jobs (rule explorer runs, city tallies, exports) queued on Redis.

    Needs PB_REDIS_URL. Run one or more of these beside the app servers; without Redis
    the app servers run jobs in threads of their own and no worker is needed.
    """
    if not current_app.config.get("REDIS_URL"):
        raise click.ClickException("PB_REDIS_URL is not set: without Redis, the app server "
                                   "runs background jobs itself and no worker is needed.")
    from pb.jobs.queue import work

    click.echo(f"Worker for the queue {current_app.config['JOBS_QUEUE']!r} on Redis"
               + (" (burst: stops when the queue is empty)" if burst else ""))
    work(current_app._get_current_object(), burst=burst)


@click.group("outbox")
def outbox_command() -> None:
    """The mail outbox: receipt emails written with their ballots, waiting to be sent."""


@outbox_command.command("send")
@with_appcontext
def outbox_send_command() -> None:
    """Send every email that is due, and retry failed ones whose wait is over.

    Run it from cron every minute or two beside the app servers: it sends what a crash
    between a ballot's commit and the sender's wake-up left behind. Safe to run while
    other senders run (no email is sent twice).
    """
    from sqlalchemy import func, select

    from pb.extensions import db
    from pb.jobs.outbox import send_due
    from pb.models.outbox import OutboxEmail

    done = send_due()
    waiting, failing = db.session.execute(select(
        func.count(OutboxEmail.id),
        func.count(OutboxEmail.id).filter(OutboxEmail.attempts > 0))).one()
    click.echo(f"Sent {done.sent}, failed {done.failed}; {waiting} waiting "
               f"({failing} after a failure).")
    if done.failed:
        raise SystemExit(1)
