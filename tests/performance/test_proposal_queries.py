"""The round page and the proposal list cost the same statements for 10 or 60 proposals:
no query per proposal for its wards, themes, proposer or organisation (issue 15)."""

from __future__ import annotations

from pb.extensions import db
from tests.factories import make_ballot_round, make_proposal, make_user

TITLES = ["Community garden", "Play area resurfacing", "Youth club kit", "Bench and planters",
          "Repair café tools", "Cycle racks", "Library reading nook", "Defibrillator"]


def _round_of(neighbourhood, n: int, name: str) -> int:
    """A round with ``n`` shortlisted proposals: ward or area-wide, two themes each, from
    residents with accounts of their own or from an organisation."""
    round_, _ = make_ballot_round(neighbourhood, name=name, projects=[])
    wards, themes = list(neighbourhood.wards.values()), list(neighbourhood.themes.values())
    organisations = list(neighbourhood.organisations.values())
    for i in range(n):
        proposer = make_user(f"{name.split()[0].lower()}.proposer{i}@example.org",
                             f"Proposer {i} Jones")
        proposal = make_proposal(round_, f"{TITLES[i % len(TITLES)]} {i}", 1_000_00 + 500 * i,
                                 wards=[] if i % 4 == 0 else [wards[i % len(wards)]],
                                 proposer=proposer)
        proposal.themes = [themes[i % len(themes)], themes[(i + 1) % len(themes)]]
        if i % 3 == 0:
            proposal.organisation = organisations[i % len(organisations)]
    db.session.commit()
    return round_.id


def _statements(client, statements, url: str, **headers) -> int:
    db.session.remove()  # as in production: each request starts with an empty session
    with statements.counting():
        response = client.get(url, headers=headers)
    assert response.status_code == 200, url
    return len(statements)


def test_round_page_and_proposal_list_do_not_grow_with_proposals(client, neighbourhood,
                                                                   statements):
    few = _round_of(neighbourhood, 10, "Small vote")
    many = _round_of(neighbourhood, 60, "Large vote")
    ward = next(iter(neighbourhood.wards.values())).id
    theme = next(iter(neighbourhood.themes.values())).id
    pages = [("/rounds/{}", {}), ("/rounds/{}/proposals", {}),
             (f"/rounds/{{}}/proposals?ward={ward}", {}),
             (f"/rounds/{{}}/proposals?theme={theme}&ward={ward}", {"HX-Request": "true"}),
             ("/rounds/{}/proposals?sort=cost_low", {"HX-Request": "true"}),
             ("/api/v1/rounds/{}/proposals", {})]
    for page, headers in pages:
        counts = [_statements(client, statements, page.format(r), **headers) for r in (few, many)]
        print(f"{page} {headers or ''}: {counts[0]} statements for 10 proposals, "
              f"{counts[1]} for 60")
        assert counts[0] == counts[1], (page, "\n".join(s[:120] for s in statements))
