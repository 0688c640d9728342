"""``flask --app pb events``: decision-day figures from the command line (for the partnership's
records at the end of the day, or to check a report against the database)."""

from __future__ import annotations

import json

import click
from flask.cli import with_appcontext

from pb.events import queries, reconciliation
from pb.extensions import db
from pb.loaders import get_or_none
from pb.models import Round


@click.command("events")
@click.argument("round_id", type=int)
@with_appcontext
def events_command(round_id: int) -> None:
    """Print ROUND_ID's decision days as JSON: attendance, votes by channel, paper figures,
    and what paper reconciliation still has pending before the count."""
    round_ = get_or_none(Round, round_id)
    if round_ is None:
        raise click.ClickException(f"There is no round {round_id}.")
    data = {"round": round_.name,
            "events": [{**queries.summary(e), "attendance": queries.attendance(e)}
                       for e in queries.events_of(round_)],
            "paper_pending": reconciliation.pending(round_)}
    click.echo(json.dumps(data, indent=2, default=str))
    db.session.rollback()
