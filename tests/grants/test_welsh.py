"""The grants pages with Welsh chosen (issue 16): every page a grant's people use renders,
in whatever the catalogue holds, including a refused form with its messages."""

from __future__ import annotations

from datetime import date

from pb.i18n import LANGUAGE_COOKIE


def test_grants_pages_render_with_welsh_chosen(client, sign_in, neighbourhood, grant, clock):
    clock(date(2026, 2, 10))
    ret = grant.returns[0]
    client.set_cookie(LANGUAGE_COOKIE, "cy")
    sign_in(neighbourhood.users["grant_officer2"])
    for url in ("/grants/", "/grants/all", f"/grants/{grant.id}", f"/grants/{grant.id}/agreement",
                f"/grants/{grant.id}/savings", f"/grants/{grant.id}/close",
                f"/grants/{grant.id}/progress", f"/grants/{grant.id}/returns/{ret.id}",
                "/programmes", f"/programmes/{grant.programme_id}", "/programmes/new",
                "/scrutiny/"):
        response = client.get(url)
        assert response.status_code == 200, url
    first = grant.tranches[0]
    refused = client.post(f"/grants/{grant.id}/tranches/{first.id}/release",
                          data={"paid_on": "2099-01-01", "reference": "CEC-1"})
    assert refused.status_code == 400
    assert f'id="release-{first.id}-paid_on-error"' in refused.get_data(as_text=True)
    sign_in(neighbourhood.users["grantee"])
    client.set_cookie(LANGUAGE_COOKIE, "cy")
    for url in ("/grants/mine", f"/grants/{grant.id}", f"/grants/{grant.id}/returns/{ret.id}"):
        assert client.get(url).status_code == 200, url
