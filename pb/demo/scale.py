"""A city-scale round for measuring pb: ``flask --app pb scale-demo``.

Builds, in the demo's Macclesfield (``seed_place``), one approval round with 150
shortlisted projects and 100,000 voters with their ballots (about five projects each):
popularity follows a Zipf-like law, and about a third of each voter's picks are projects
in their own ward. Everything is written with SQLAlchemy core ``insert`` executemany in
chunks (never ORM objects one by one), with explicit ids, inside one transaction, so
the round appears whole or not at all. ``--voters 2000`` makes a small one for tests.

The figures are deterministic for a given ``--seed``. Each run adds a new round (named
with its size and a number), so the command can be run again to measure again.
"""

from __future__ import annotations

import hashlib
import random
from collections.abc import Callable
from dataclasses import dataclass
from datetime import timedelta

import click
from flask.cli import with_appcontext
from sqlalchemy import func, insert, select, text

from pb import audit
from pb.database import writes
from pb.demo.scale_grants import MAX_PER_YEAR
from pb.extensions import db
from pb.models import Proposal, Round, Theme
from pb.models.base import utcnow
from pb.models.proposal import proposal_themes, proposal_wards
from pb.models.voting import BALLOT_COUNTED, Ballot, BallotChoice, Voter
from pb.voting import keys

CHUNK = 5_000  # voters per executemany batch
OWN_WARD_SHARE = 0.35  # of a voter's picks made among their own ward's projects
AREA_WIDE_SHARE = 0.3  # of projects that serve the whole area
THEMES_PER_PROJECT = 2

IDEAS = ["walking group", "community kitchen", "men's shed", "youth club", "dementia café",
         "carers' drop-in", "allotment", "chair yoga", "parent and toddler group",
         "bike repair hub", "befriending calls", "tea dance", "green gym", "cookery class",
         "mental health peer group", "sports for all", "library club", "repair café"]


@dataclass
class CityRound:
    round: Round
    projects: int
    voters: int
    choices: int


def _next_id(model) -> int:
    return (db.session.scalar(select(func.max(model.id))) or 0) + 1


def fix_sequences(*models) -> None:
    """PostgreSQL: move each table's id sequence past the ids written explicitly."""
    if db.session.get_bind().dialect.name != "postgresql":
        return
    for model in models:
        table = model.__tablename__
        # Waiver for bandit B608: the table name is a model's own __tablename__, never input.
        sql = f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), (SELECT COALESCE(MAX(id), 1) FROM {table}))"  # nosec B608
        db.session.execute(text(sql))


def make_round(area, partnership, name: str, status: str, rule: str) -> Round:
    now = utcnow().replace(microsecond=0)
    day = timedelta(days=1)
    close = now - day if status == "closed" else now + 14 * day
    round_ = Round(name=name, partnership_id=partnership.id, area_id=area.id,
                   is_published=True, eligibility_postcode=True,
                   description="A city-scale round made by `flask --app pb scale-demo` to "
                               "measure pb.",
                   budget_pence=3_000_000_00, min_project_cost_pence=5_000_00,
                   max_project_cost_pence=250_000_00,
                   proposals_open_at=now - 90 * day, proposals_close_at=now - 60 * day,
                   review_close_at=now - 31 * day, voting_open_at=now - 30 * day,
                   voting_close_at=close, ballot_design="approval", allocation_rule=rule,
                   tie_break="id", ballot_max_choices=10, voter_verification="account_or_code")
    db.session.add(round_)
    db.session.flush()
    return round_


def insert_projects(round_: Round, area, count: int, rng: random.Random,
                    cost_pounds: tuple[int, int] = (5_000, 250_000)) -> dict:
    """The shortlisted projects; returns {ward id or None: [project ids]}."""
    wards = [w.id for w in area.wards]
    themes = list(db.session.scalars(select(Theme.id)))
    first = _next_id(Proposal)
    now = utcnow()
    rows, ward_rows, theme_rows = [], [], []
    by_ward: dict = {None: []}
    for i in range(count):
        pid = first + i
        ward = None if rng.random() < AREA_WIDE_SHARE or not wards else rng.choice(wards)
        idea = IDEAS[i % len(IDEAS)]
        rows.append({"id": pid, "round_id": round_.id, "title": f"{idea.capitalize()} {i + 1}",
                     "summary": f"A {idea} for residents.", "status": "shortlisted",
                     "cost_pence": rng.randrange(*cost_pounds) * 100,
                     "is_area_wide": ward is None, "submitted_at": now})
        by_ward.setdefault(ward, []).append(pid)
        if ward is not None:
            ward_rows.append({"proposal_id": pid, "ward_id": ward})
        for theme in rng.sample(themes, min(THEMES_PER_PROJECT, len(themes))):
            theme_rows.append({"proposal_id": pid, "theme_id": theme})
    db.session.execute(insert(Proposal), rows)
    if ward_rows:
        db.session.execute(insert(proposal_wards), ward_rows)
    if theme_rows:
        db.session.execute(insert(proposal_themes), theme_rows)
    return by_ward


def _picks(rng: random.Random, ids: list[int], weights: list[float], own: list[int]) -> set:
    """About five distinct projects: Zipf-like popularity, some from the voter's ward."""
    want = max(1, min(10, len(ids), round(rng.gauss(5, 1.5))))
    picks: set = set()
    if own:
        for pid in rng.choices(own, k=round(want * OWN_WARD_SHARE)):
            picks.add(pid)
    while len(picks) < want:
        picks.update(rng.choices(ids, weights, k=want - len(picks)))
    return picks


def _chunk_rows(round_: Round, start: int, size: int, ids: dict, rng: random.Random,
                plan: dict) -> tuple[list, list, list]:
    voters, ballots, choices = [], [], []
    secret = keys.secret()  # keyed like real slots, so a dump looks the same
    span = (plan["close"] - plan["open"]).total_seconds()
    for n in range(start, start + size):
        voter_id, ballot_id = plan["voter0"] + n, plan["ballot0"] + n
        ward = rng.choice(plan["wards"])
        # Most people vote in the last days: the square root of a uniform leans late.
        cast_at = plan["open"] + timedelta(seconds=int(span * rng.random() ** 0.5))
        channel = "account" if n % 3 else "code"
        voters.append({"id": voter_id, "round_id": round_.id,
                       "voter_key": keys.voter_key(round_.id, "scale", n, secret),
                       "channel": channel, "ward_id": ward, "created_at": cast_at})
        receipt = hashlib.sha256(f"pb-scale:{round_.id}:{n}".encode()).hexdigest()
        ballots.append({"id": ballot_id, "round_id": round_.id, "voter_id": voter_id,
                        "status": BALLOT_COUNTED, "channel": channel, "receipt_hash": receipt,
                        "cast_at": cast_at})
        for pid in sorted(_picks(rng, ids["all"], ids["weights"], ids.get(ward, []))):
            choices.append({"ballot_id": ballot_id, "proposal_id": pid})
    return voters, ballots, choices


def build_city(area, partnership, *, voters: int = 100_000, projects: int = 150,
               status: str = "closed", rule: str = "greedy-approval", seed: int = 2026,
               progress: Callable[[int], None] | None = None) -> CityRound:
    """Add a city-scale round (see the module docstring) in the current transaction."""
    # Waiver for bandit B311: repeatable demo data, not a secret.
    rng = random.Random(seed)  # nosec B311
    number = db.session.scalar(select(func.count()).select_from(Round)) + 1
    round_ = make_round(area, partnership,
                         f"City-scale vote: {voters:,} voters, {projects} projects (#{number})",
                         status, rule)
    by_ward = insert_projects(round_, area, projects, rng)
    all_ids = sorted(pid for ids in by_ward.values() for pid in ids)
    order = all_ids[:]
    rng.shuffle(order)  # popularity rank, independent of id
    rank = {pid: r for r, pid in enumerate(order, start=1)}
    ids = {ward: pids for ward, pids in by_ward.items() if ward is not None}
    ids.update(all=all_ids, weights=[1 / rank[pid] ** 0.9 for pid in all_ids])
    plan = {"voter0": _next_id(Voter), "ballot0": _next_id(Ballot),
            "open": round_.voting_open_at,
            "close": min(round_.voting_close_at, utcnow()),
            "wards": [w.id for w in area.wards] or [None]}
    total_choices = 0
    for start in range(0, voters, CHUNK):
        size = min(CHUNK, voters - start)
        voter_rows, ballot_rows, choice_rows = _chunk_rows(round_, start, size, ids, rng, plan)
        db.session.execute(insert(Voter), voter_rows)
        db.session.execute(insert(Ballot), ballot_rows)
        db.session.execute(insert(BallotChoice), choice_rows)
        total_choices += len(choice_rows)
        if progress is not None:
            progress(size)
    fix_sequences(Proposal, Voter, Ballot, BallotChoice)
    audit.record("demo.scale_seeded", round_, after={"voters": voters, "projects": projects,
                                                     "choices": total_choices})
    return CityRound(round_, projects, voters, total_choices)


@click.command("scale-demo")
@click.option("--voters", default=100_000, show_default=True, type=click.IntRange(1))
@click.option("--projects", default=150, show_default=True, type=click.IntRange(2))
@click.option("--status", type=click.Choice(["closed", "voting"]), default="closed",
              show_default=True, help="closed: ready to count; voting: still open.")
@click.option("--rule", default="greedy-approval", show_default=True)
@click.option("--seed", default=2026, show_default=True)
@click.option("--grants", "grants_per_year", default=100, show_default=True,
              type=click.IntRange(0, MAX_PER_YEAR),
              help="Funded projects a year in the two earlier rounds, each with its grant "
                   "(0: no grants).")
@with_appcontext
@writes
def scale_demo_command(voters: int, projects: int, status: str, rule: str, seed: int,
                       grants_per_year: int) -> None:
    """Add a city-scale round (150 projects, 100,000 approval ballots) for measuring pb,
    and two years of grants for the funded projects of two earlier rounds."""
    from pb.demo import seed_place
    from pb.demo.scale_grants import YEARS, build_grants

    area, partnership = seed_place()
    with click.progressbar(length=voters, label="Voters and ballots", show_eta=True,
                           show_pos=True) as bar:
        city = build_city(area, partnership, voters=voters, projects=projects, status=status,
                          rule=rule, seed=seed, progress=bar.update)
    grants = None
    if grants_per_year:
        with click.progressbar(length=grants_per_year * YEARS, label="Two years of grants",
                               show_eta=True, show_pos=True) as bar:
            grants = build_grants(area, partnership, per_year=grants_per_year, seed=seed,
                                  progress=bar.update)
    db.session.commit()
    click.echo(f"Round {city.round.id} ({city.round.name}): {city.projects} projects, "
               f"{city.voters:,} ballots, {city.choices:,} choices; {status}.")
    if grants is not None:
        click.echo(f"Grants: {grants.grants:,} for the funded projects of rounds "
                   f"{', '.join(str(r.id) for r in grants.rounds)}, in "
                   f"{', '.join(p.name for p in grants.programmes)}, with "
                   f"{grants.returns:,} monitoring returns.")
