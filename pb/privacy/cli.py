"""``flask --app pb purge``: personal details past their retention period."""

from __future__ import annotations

import click
from flask.cli import with_appcontext

from pb import throttle
from pb.database import writes
from pb.privacy.purge import purge


@click.command("purge")
@with_appcontext
@writes
def purge_command():
    """Blank check-in details and delete equality answers past their retention period
    (PB_RETENTION_DAYS_CHECK_IN, PB_RETENTION_DAYS_EQUALITY), with an audit entry."""
    done = purge(throttle.now())
    click.echo(f"Purged {done.check_ins} check-in record(s) from before "
               f"{done.check_in_cutoff:%Y-%m-%d} and {done.equality_answers} equality "
               f"answer(s) from before {done.equality_cutoff:%Y-%m-%d}.")
