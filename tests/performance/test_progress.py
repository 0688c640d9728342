"""Long command-line work shows a progress bar (issue 15, item 5): the scale fixture, the
tally, backups and restores. Off a terminal click prints the bar's label once (on a
terminal it is the bar, with the ETA); the tests look for the label in the output."""

from __future__ import annotations

from sqlalchemy import select

from pb.extensions import db
from pb.models import RoundResult
from tests.factories import cast_for, close_voting, make_ballot_round, make_voter


def test_tally_shows_a_progress_bar_and_reads_every_ballot(runner, neighbourhood):
    round_, projects = make_ballot_round(neighbourhood, name="Progress vote")
    for n in range(1, 6):
        cast_for(round_, make_voter(n), {projects[n % 3].id: 1})
    close_voting(round_)
    steps = []
    from pb.results import services

    result = services.tally(round_, None, progress=lambda n, stage: steps.append((n, stage)))
    assert sum(n for n, stage in steps if stage == "reading the ballots") == 5
    assert steps[-1][0] == 0 and steps[-1][1].startswith("counting with greedy-approval")
    assert result.ballots_counted == 5

    cli = runner.invoke(args=["tally", str(round_.id)])
    assert cli.exit_code == 0, cli.output
    assert "Counting" in cli.output and "5 ballots counted" in cli.output
    assert db.session.scalar(select(RoundResult.ballots_counted)
                             .where(RoundResult.round_id == round_.id)) == 5


def test_backup_and_restore_show_a_progress_bar(app, runner, neighbourhood, tmp_path):
    target = tmp_path / "with-a-bar.backup"
    result = runner.invoke(args=["backup", str(target)])
    assert result.exit_code == 0, result.output
    assert "Copying" in result.output and "Backed up to" in result.output
    db.session.remove()
    restored = runner.invoke(args=["restore", str(target), "--yes"])
    assert restored.exit_code == 0, restored.output
    assert "Restoring" in restored.output and "Restored" in restored.output


def test_scale_demo_shows_its_progress_bars(runner):
    result = runner.invoke(args=["scale-demo", "--voters", "20", "--projects", "3",
                                 "--grants", "2"])
    assert result.exit_code == 0, result.output
    assert "Voters and ballots" in result.output and "Two years of grants" in result.output


def test_a_backup_reports_its_progress_to_the_end(app, neighbourhood, tmp_path):
    from pb import backup

    steps = []
    backup.backup(tmp_path / "steps.backup", progress=lambda done, total:
                  steps.append((done, total)))
    assert steps and steps[-1][0] == steps[-1][1]
    assert [done for done, _total in steps] == sorted(done for done, _total in steps)
    if db.engine.dialect.name == "postgresql":
        # pg_dump and then pg_restore into the scratch database, a step per table each.
        assert steps[-1][1] == 2 * (len(db.metadata.sorted_tables) + 1)
        assert len(steps) > len(db.metadata.sorted_tables)


def test_audit_verify_shows_a_progress_bar_over_every_entry(runner, neighbourhood):
    from pb import audit
    from pb.models import AuditEntry

    for n in range(2_100):  # more than one step of the bar (2,000 entries)
        audit.record("test.entry", object_type="Test", object_id=n)
    db.session.commit()
    entries = db.session.scalar(select(db.func.count()).select_from(AuditEntry))
    steps = []
    check = audit.verify_chain(progress=steps.append)
    assert check.ok and check.entries == entries and sum(steps) == entries
    assert steps[0] == 2_000 and len(steps) == 2
    result = runner.invoke(args=["audit-verify"])
    assert result.exit_code == 0, result.output
    assert "Verifying the audit log" in result.output
    assert f"Audit log intact: {entries} entries" in result.output
