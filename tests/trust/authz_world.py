"""The fixture world of the authorisation matrix (tests/trust/test_authorisation_matrix.py).

Two of everything, so each principal meets an object that is theirs and one that is not:
- "own": objects of the Macclesfield partnership (its rounds, decision day, code batch,
  programme and grant), of the Hurdsfield Community Centre (the grant's organisation) and
  of Maureen (a resident, with a draft proposal and its document);
- "other": the same kinds of object belonging to the Congleton partnership, the Men's Shed
  (another organisation, with its own grantee) and Sanjay (another resident).

``build_world`` returns ``{"own": slots, "other": slots, "ballot": ...}``, where slots name
the ids the URL arguments take (see ``url_arguments`` in the test) and "ballot" names the
resident who voted and the one project she chose.
"""

from __future__ import annotations

import io
from datetime import date, timedelta

from PIL import Image
from sqlalchemy import select
from werkzeug.datastructures import FileStorage, MultiDict

from pb import submissions
from pb.events import devices, paper
from pb.events.paper import Reading
from pb.extensions import db
from pb.grants import agreements, evidence, returns
from pb.grants.returns import add_months
from pb.models import EventStaff, Role, RoleAssignment, VotingCodeBatch
from pb.models.job import Job
from tests.factories import (
    BUDGET_LINES,
    MINIMAL_PDF,
    Neighbourhood,
    add_document,
    add_grant_people,
    agreement_form,
    cast_for,
    check_in_person,
    make_codes,
    make_event,
    make_grant,
    make_programme,
    make_proposal,
    make_round,
    proposal_with_lines,
)

GRANT_START = date(2025, 11, 1)


def _photo() -> FileStorage:
    out = io.BytesIO()
    Image.new("RGB", (60, 40), (200, 120, 40)).save(out, format="JPEG")
    out.seek(0)
    return FileStorage(out, filename="cafe.jpg", content_type="image/jpeg")


def _receipt(name: str) -> FileStorage:
    return FileStorage(io.BytesIO(MINIMAL_PDF), filename=name, content_type="application/pdf")


def _voting_round(partnership, name: str, titles):
    round_ = make_round(partnership, name, "voting")
    projects = [make_proposal(round_, title, cost) for title, cost in titles]
    db.session.commit()
    return round_, projects


def _grant_with_returns(hood: Neighbourhood, programme, organisation: str, officer, grantee,
                        title: str, reference: str) -> dict:
    """An active grant, its first return submitted with a receipt (a document), a photo."""
    grant = make_grant(hood, title=title, organisation=organisation, programme=programme,
                       reference=reference)
    end = add_months(GRANT_START, 12) - timedelta(days=1)
    agreements.save(grant, officer, MultiDict(agreement_form(
        grant, programme, start=GRANT_START, end=end)), issue=True)
    agreements.accept(grant, grantee, name=grantee.display_name, confirmed=True)
    first = grant.returns[0]
    photo = evidence.upload(grant, first, grantee, _photo(), kind="photo",
                            caption="Tea and cake", consent=True, public=True)
    for line in grant.budget_lines:
        evidence.upload(grant, first, grantee, _receipt(f"receipt-{line.id}.pdf"),
                        kind="evidence", budget_line_id=line.id)
    form = {"narrative": "Sessions ran every week; two new volunteers joined the rota.",
            "public_update": "Weekly sessions are running, with new volunteers."}
    for target in grant.kpi_targets:
        form[f"kpi-{target.kpi_id}"] = str((target.target or 0) // 4)
    for line in grant.budget_lines:
        pence = line.planned_pence // 4
        form[f"spend-{line.id}"] = f"{pence // 100}.{pence % 100:02d}"
    returns.submit(grant, first, grantee, MultiDict(form))
    db.session.commit()
    return {"grant": grant.id, "return": first.id, "tranche": grant.tranches[1].id,
            "milestone": grant.milestones[1].id, "grant_document": photo.id,
            "programme": programme.id}


def _event_bits(round_, projects, officer, staff, postcode: str) -> dict:
    event = make_event(round_, officer, staff=[staff] if staff else [])
    device, _token = devices.new_device(officer, event, "Tablet 1", submissions.new_key())
    desk = staff or officer
    _, code = check_in_person(event, desk, first_name="Joan", postcode=postcode)
    keyed = paper.enter(desk, event, code, Reading({projects[0].id: 1}))
    make_codes(round_, officer)
    batch = db.session.scalar(select(VotingCodeBatch.id).where(
        VotingCodeBatch.round_id == round_.id).order_by(VotingCodeBatch.id.desc()))
    staff_row = db.session.scalar(select(EventStaff.id).where(EventStaff.event_id == event.id))
    return {"event": event.id, "item": event.projects[0].id, "device": device.id,
            "paper": keyed.paper.id, "batch": batch, "staff": staff_row}


def build_world(hood: Neighbourhood) -> dict[str, dict]:
    add_grant_people(hood)
    users = hood.users
    # Maureen (resident) and the grantee's organisation own the "own" objects.
    own_voting, own_projects = _voting_round(hood.partnership, "Macclesfield Wellbeing Vote 2026",
                                             [("Tytherington walking group", 4_500_00),
                                              ("Hurdsfield tool library", 3_000_00)])
    other_voting, other_projects = _voting_round(hood.other_partnership,
                                                 "Congleton Wellbeing Vote 2026",
                                                 [("Congleton park run", 2_000_00),
                                                  ("Bromley Farm lunch club", 3_500_00)])
    other_closed = make_round(hood.other_partnership, "Congleton Decision Day 2025", "closed")
    own_draft = proposal_with_lines(hood.rounds["proposals"], "Tytherington Walking Netball",
                                    BUDGET_LINES, status="draft", proposer=users["resident"],
                                    wards=[hood.wards["Macclesfield Tytherington"]])
    other_draft = proposal_with_lines(hood.rounds["other"], "Congleton Chair Yoga",
                                      BUDGET_LINES, status="draft", proposer=users["resident2"])
    own_doc, other_doc = add_document(own_draft), add_document(other_draft)

    from pb.grants import common

    common.FIXED_TODAY = date(2026, 5, 10)
    own_programme = make_programme(hood)
    other_programme = make_programme(hood, name="Congleton Wellbeing Grants",
                                     partnership=hood.other_partnership)
    own_grant = _grant_with_returns(hood, own_programme, "Hurdsfield Community Centre",
                                    users["grant_officer"], users["grantee"],
                                    "Hurdsfield Dementia Cafe", "MCH-101")
    other_grant = _grant_with_returns(hood, other_programme, "Macclesfield Men's Shed",
                                      users["other_grant_officer"], users["other_grantee"],
                                      "Men's Shed Repair Cafe", "CWP-201")
    # Each grant officer sets their grant up, so the two-person rule refuses them its release.
    own_event = _event_bits(own_voting, own_projects, users["officer"], users["event_staff"],
                            "SK10 2LH")
    other_event = _event_bits(other_voting, other_projects, users["other_officer"],
                              users["other_officer"],
                              "CW12 4AB")

    # Maureen votes for one project only: no page but her own may show that choice.
    cast_for(own_voting, users["resident"], {own_projects[1].id: 1})
    own_job = Job(kind="explore-rules", title="Rule explorer: Macclesfield 2025",
                  created_by_id=users["officer"].id)
    other_job = Job(kind="explore-rules", title="Rule explorer: Congleton 2025",
                    created_by_id=users["other_officer"].id)
    own_role = RoleAssignment(user_id=users["resident2"].id, role=Role.EVENT_STAFF,
                              partnership_id=hood.partnership.id)
    other_role = RoleAssignment(user_id=users["resident2"].id, role=Role.EVENT_STAFF,
                                partnership_id=hood.other_partnership.id)
    db.session.add_all([own_job, other_job, own_role, other_role])
    db.session.commit()

    other_area = hood.other_partnership.area
    own = {"round": own_voting.id, "proposals_round": hood.rounds["proposals"].id,
           "closed_round": hood.rounds["closed"].id, "proposal": own_draft.id,
           "proposal_document": own_doc.id, "job": own_job.id, "assignment": own_role.id,
           "area": hood.area.id, "partnership": hood.partnership.id,
           **own_grant, **own_event}
    other = {"round": other_voting.id, "proposals_round": hood.rounds["other"].id,
             "closed_round": other_closed.id, "proposal": other_draft.id,
             "proposal_document": other_doc.id, "job": other_job.id,
             "assignment": other_role.id, "area": other_area.id,
             "partnership": hood.other_partnership.id, **other_grant, **other_event}
    return {"own": own, "other": other,
            "ballot": {"voter": users["resident"], "choice": own_projects[1].title}}


def release_fixed_today() -> None:
    from pb.grants import common

    common.FIXED_TODAY = None


