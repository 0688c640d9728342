"""``flask --app pb proposals-digest``: the officers' daily email of new proposals."""

from __future__ import annotations

import click
from flask.cli import with_appcontext

from pb.database import writes
from pb.models.base import utcnow
from pb.proposals import notify


@click.command("proposals-digest")
@click.option("--hours", default=24, show_default=True, type=click.IntRange(1, 24 * 14),
              help="Include proposals submitted in this many past hours.")
@with_appcontext
@writes
def digest_command(hours: int) -> None:
    """Email each partnership officer the proposals submitted in the last day.

    Meant for cron, once a day, for example at 07:00:

    \b
        0 7 * * *  cd /srv/pb && flask --app pb proposals-digest

    Officers of a partnership with no new submissions get no email.
    """
    sent = notify.send_digest(hours=hours, now=utcnow())
    if not sent:
        click.echo(f"No new proposals in the last {hours} hours; no email sent.")
        return
    for email, count in sent:
        click.echo(f"Sent {email} a digest of {count} proposal{'s' if count != 1 else ''}.")
