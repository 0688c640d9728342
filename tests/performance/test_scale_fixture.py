"""The city-scale fixture (``flask --app pb scale-demo``), at a size a test can afford."""

from __future__ import annotations

from sqlalchemy import func, select

from pb.extensions import db
from pb.models import Proposal, Round
from pb.models.voting import Ballot, BallotChoice, Voter


def test_scale_demo_builds_a_round_of_the_size_asked(runner):
    result = runner.invoke(args=["scale-demo", "--voters", "1200", "--projects", "30"])
    assert result.exit_code == 0, result.output
    round_ = db.session.scalar(select(Round).where(Round.name.like("City-scale vote%")))
    assert round_ is not None and round_.status == "closed"
    assert db.session.scalar(select(func.count()).select_from(Proposal)
                             .where(Proposal.round_id == round_.id)) == 30
    voters = db.session.scalar(select(func.count()).select_from(Voter)
                               .where(Voter.round_id == round_.id))
    ballots = db.session.scalar(select(func.count()).select_from(Ballot)
                                .where(Ballot.round_id == round_.id))
    assert voters == ballots == 1200
    choices = db.session.scalar(select(func.count()).select_from(BallotChoice))
    assert 4 * 1200 < choices < 6 * 1200  # about five projects each
    # Zipf-like: the most popular project has several times the votes of the median.
    votes = sorted(db.session.scalars(select(func.count()).select_from(BallotChoice)
                                      .group_by(BallotChoice.proposal_id)), reverse=True)
    assert votes[0] > 4 * votes[len(votes) // 2]
    # A second run adds another round, and ids keep counting (PostgreSQL sequences moved).
    again = runner.invoke(args=["scale-demo", "--voters", "10", "--projects", "3",
                                "--status", "voting"])
    assert again.exit_code == 0, again.output
    assert db.session.scalar(select(func.count()).select_from(Round)
                             .where(Round.name.like("City-scale vote%"))) == 2
