"""``flask --app pb grants remind``: the daily reminders (run it from cron)."""

from __future__ import annotations

from datetime import date

import click
from flask.cli import AppGroup

from pb.database import writes

grants_command = AppGroup("grants", help="Grant monitoring tasks.")


@grants_command.command("remind")
@click.option("--date", "on", default=None, metavar="YYYY-MM-DD",
              help="Act as if today were this date (default: today).")
@writes
def remind_command(on: str | None) -> None:
    """Email grantees a week before a return is due, and flag overdue returns to grant
    officers (and the grantee). Safe to run more than once a day: each reminder is sent
    once. Run it daily, for example from cron: 0 7 * * * flask --app pb grants remind"""
    from pb.grants import common
    from pb.grants.reminders import remind

    try:
        day = date.fromisoformat(on) if on else common.today()
    except ValueError as exc:
        raise click.BadParameter("use YYYY-MM-DD, for example 2026-03-31",
                                 param_hint="--date") from exc
    run = remind(day)
    click.echo(f"{day:%-d %B %Y}: {len(run.before_due)} reminder"
               f"{'s' if len(run.before_due) != 1 else ''} before a due date, "
               f"{len(run.overdue)} overdue return{'s' if len(run.overdue) != 1 else ''} "
               f"flagged, {run.emails} email{'s' if run.emails != 1 else ''} sent.")
    for label in run.before_due:
        click.echo(f"  due soon: {label}")
    for label in run.overdue:
        click.echo(f"  OVERDUE:  {label}")
