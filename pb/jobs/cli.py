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
