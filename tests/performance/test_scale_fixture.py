"""The city-scale fixture (``flask --app pb scale-demo``), at a size a test can afford."""

from __future__ import annotations

from datetime import timedelta

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


def test_scale_demo_adds_two_years_of_grants_for_earlier_rounds(runner, client, sign_in):
    from pb.grants.common import today
    from pb.models import Grant, Milestone, MonitoringReturn, Programme, Tranche
    from pb.models.monitoring import ReturnKpiActual, ReturnSpend

    result = runner.invoke(args=["scale-demo", "--voters", "50", "--projects", "5",
                                 "--grants", "16"])
    assert result.exit_code == 0, result.output
    assert "Two years of grants" in result.output and "Grants: 32 for" in result.output
    programmes = db.session.scalars(select(Programme).where(
        Programme.name.like("City-scale%"))).all()
    grants = db.session.scalars(select(Grant).order_by(Grant.id)).all()
    assert len(grants) == 32 and len({g.round_id for g in grants}) == 2
    assert len(programmes) == 2 and {g.programme_id for g in grants} == {p.id for p in programmes}
    for programme in programmes:
        assert programme.budget_pence == sum(g.amount_pence for g in grants
                                             if g.programme_id == programme.id)
    for grant in grants:
        assert grant.round.status == "results" and grant.proposal.round_id == grant.round_id
        assert grant.award_date < today() and grant.start_date < grant.end_date
        assert sum(t.amount_pence for t in grant.tranches) == grant.amount_pence
        assert sum(b.planned_pence for b in grant.budget_lines) == grant.amount_pence
        assert len(grant.milestones) == 3 and len(grant.kpi_targets) == 2
        assert len(grant.returns) == (8 if (grant.end_date - grant.start_date).days > 400
                                      else 4)
        for ret in grant.returns:
            assert (ret.status == "accepted") == (ret.due_date + timedelta(days=7) <= today())
        paid = [t for t in grant.tranches if t.status == "released"]
        assert all(t.paid_pence == t.amount_pence and t.released_on <= today() for t in paid)
        if grant.status == "closed":
            assert all(r.status == "accepted" for r in grant.returns) and len(paid) == 3
            assert sum(s.amount_pence for r in grant.returns for s in r.spend) \
                == grant.amount_pence
    # Two years: the older round's one-year grants are closed, the newer round's are not.
    older, newer = sorted({g.round_id for g in grants})
    assert all(g.status == "closed" for g in grants if g.round_id == older
               and len(g.returns) == 4)
    assert all(g.status == "active" for g in grants if g.round_id == newer)
    assert db.session.scalar(select(func.count()).select_from(Milestone)
                             .where(Milestone.met_on.is_not(None))) > 0
    assert db.session.scalar(select(func.count()).select_from(ReturnKpiActual)) > 0
    assert db.session.scalar(select(func.count()).select_from(ReturnSpend)) > 0
    assert db.session.scalar(select(func.count()).select_from(Tranche)) == 3 * 32
    assert db.session.scalar(select(func.count()).select_from(MonitoringReturn)) \
        == sum(len(g.returns) for g in grants)
    # The grants' pages show them: public progress and programme pages, and an
    # administrator's list, grant and return pages.
    from pb.models import Role
    from tests.factories import make_user

    closed = next(g for g in grants if g.status == "closed")
    active = next(g for g in grants if g.status == "active")
    for path in (f"/grants/{closed.id}/progress", f"/grants/{active.id}/progress",
                 f"/programmes/{programmes[0].id}", "/programmes"):
        assert client.get(path).status_code == 200, path
    admin = make_user("scale.admin@example.org", "Scale admin", (Role.ADMIN, {}))
    db.session.commit()
    sign_in(admin)
    for path in ("/grants/all", f"/grants/{closed.id}", f"/grants/{active.id}",
                 f"/grants/{closed.id}/returns/{closed.returns[-1].id}",
                 f"/grants/{active.id}/returns/{active.returns[0].id}",
                 f"/grants/{active.id}/returns/{active.returns[-1].id}"):
        assert client.get(path).status_code == 200, path
    # Running it again adds more, with ids counting on (PostgreSQL sequences moved).
    again = runner.invoke(args=["scale-demo", "--voters", "5", "--projects", "3",
                                "--grants", "2"])
    assert again.exit_code == 0, again.output
    assert db.session.scalar(select(func.count()).select_from(Grant)) == 36
