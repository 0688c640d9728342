"""``flask --app pb tally``: count a closed round from the command line."""

from __future__ import annotations

import sys

import click
from flask.cli import with_appcontext
from sqlalchemy import func, select

from pb.database import writes
from pb.extensions import db
from pb.models import Ballot, Round, User
from pb.models.voting import BALLOT_COUNTED
from pb.money import format_pence
from pb.results import services


@click.command("tally")
@click.argument("round_ref", metavar="ROUND")
@click.option("--by", "by_email", default=None,
              help="Email of the officer running the count (recorded; they cannot certify).")
@with_appcontext
@writes
def tally_command(round_ref: str, by_email: str | None) -> None:
    """Count a closed round's ballots with its allocation rule. ROUND: its id or exact name."""
    round_ = db.session.get(Round, int(round_ref)) if round_ref.isdigit() else None
    if round_ is None:
        round_ = db.session.scalar(select(Round).where(Round.name == round_ref))
    if round_ is None:
        raise click.ClickException(f"No round has the id or name {round_ref!r}.")
    actor = None
    if by_email:
        actor = User.by_email(by_email)
        if actor is None:
            raise click.ClickException(f"No account has the email {by_email!r}.")
    ballots = db.session.scalar(select(func.count()).select_from(Ballot).where(
        Ballot.round_id == round_.id, Ballot.status == BALLOT_COUNTED))
    # One step a ballot read, and one for the count itself (the rule and the comparison).
    with click.progressbar(length=ballots + 1, label="Counting", show_eta=True,
                           item_show_func=lambda stage: stage, file=sys.stderr) as bar:
        try:
            result = services.tally(round_, actor,
                                    progress=lambda n, stage: bar.update(n, stage))
        except services.ResultError as exc:
            raise click.ClickException(exc.message) from None
        bar.update(1, "done")
    click.echo(f"{round_.name}: {result.ballots_counted} ballots counted with {result.rule} "
               f"(ties: {result.tie_break}).")
    rows = services.result_rows(result, round_)
    for row in rows:
        if row["selected"]:
            click.echo(f"  funded  {row['id']:>6}  {row['title']}")
    click.echo(f"Spent {format_pence(result.spent_pence)} of {format_pence(result.budget_pence)}. "
               f"Inputs sha256 {result.inputs_hash}. Not yet certified.")
