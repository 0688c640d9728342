"""/open-data: every dataset, its licence, when it changed, JSON and CSV that work."""

from __future__ import annotations

import csv
import io
import re

from pb.extensions import db
from pb.models import Round

HREF_RE = re.compile(r'href="([^"]+)"')
EMAIL_RE = re.compile(r"[\w.+-]+@[\w-]+\.[\w.-]+")
DATASETS = ("Rounds", "Proposals", "Results", "Decision days", "Grants", "Grant payments",
            "KPIs", "Cost-benefit", "Spend over £500",
            "Grants in the 360Giving Data Standard")


def _csv(response) -> list[dict]:
    return list(csv.DictReader(io.StringIO(response.get_data(as_text=True))))


def test_the_page_lists_every_dataset_with_licence_date_and_links(client, published):
    response = client.get("/open-data")
    assert response.status_code == 200
    page = response.get_data(as_text=True)
    for title in DATASETS:
        assert f"<h3>{title}</h3>" in page
        assert f"{title} as JSON" in page and f"{title} as CSV" in page
    assert page.count("Open Government Licence v3.0") >= len(DATASETS)
    # Every dataset with records says when it last changed.
    changed = page.split('id="dataset-grants"', 1)[1].split("</li>", 1)[0]
    assert "<time datetime=" in changed
    assert f"/api/v1/rounds/{published.round.id}/ballots.pb" in page


def test_every_link_on_the_page_works(client, published):
    page = client.get("/open-data").get_data(as_text=True)
    links = [href.replace("&amp;", "&") for href in HREF_RE.findall(page)
             if href.startswith("/api/v1/")]
    assert len(links) >= 2 * len(DATASETS)
    for href in links:
        response = client.get(href)
        assert response.status_code == 200, href
        if "format=csv" in href or href.endswith(".csv"):
            assert response.mimetype == "text/csv", href
        # No personal data in any dataset.
        assert not EMAIL_RE.findall(response.get_data(as_text=True)), href


def test_the_licence_can_be_configured(app, client, published):
    app.config["OPEN_DATA_LICENCE"] = "Creative Commons Attribution 4.0"
    app.config["OPEN_DATA_LICENCE_URL"] = "https://creativecommons.org/licenses/by/4.0/"
    page = client.get("/open-data").get_data(as_text=True)
    assert "Creative Commons Attribution 4.0" in page
    assert "Open Government Licence" not in page


def test_the_footer_links_to_the_open_data_page(client, neighbourhood):
    page = client.get("/").get_data(as_text=True)
    footer = page.split('class="site-footer"', 1)[1]
    assert 'href="/open-data">Open data</a>' in footer


def test_lists_state_their_pagination_and_csv_has_everything(client, published):
    total = db.session.query(Round).filter(Round.is_published.is_(True)).count()
    first = client.get("/api/v1/rounds?per_page=2").get_json()
    assert len(first["rounds"]) == 2
    assert first["pagination"] == {
        "page": 1, "per_page": 2, "total": total, "pages": (total + 1) // 2,
        "next": "http://pb.test/api/v1/rounds?page=2&per_page=2", "previous": None}
    second = client.get("/api/v1/rounds?page=2&per_page=2").get_json()
    assert second["pagination"]["previous"] == "http://pb.test/api/v1/rounds?page=1&per_page=2"
    assert {r["id"] for r in first["rounds"]}.isdisjoint(r["id"] for r in second["rounds"])
    rows = _csv(client.get("/api/v1/rounds?format=csv"))
    assert len(rows) == total and rows[0]["name"]
    # Nonsense paging never fails.
    assert client.get("/api/v1/rounds?page=-1&per_page=zz").status_code == 200


def test_results_per_project_say_votes_cost_funded_and_why(client, published):
    rows = client.get("/api/v1/results").get_json()["results"]
    mine = [r for r in rows if r["round_id"] == published.round.id]
    assert mine and all(set(r) >= {"votes", "cost_pence", "funded", "why"} for r in mine)
    assert any(r["funded"] for r in mine) and all(r["why"] for r in mine)
    csv_rows = _csv(client.get("/api/v1/results?format=csv"))
    assert {r["title"] for r in csv_rows} >= {r["title"] for r in mine}


def test_payments_and_spend_over_500_in_the_transparency_code_fields(client, published):
    payments = client.get("/api/v1/payments").get_json()["payments"]
    assert [(p["grant_reference"], p["amount_pence"], p["paid_on"]) for p in payments] == [
        ("PB-2025/017", 2_400_00, "2025-11-10")]
    spend = client.get("/api/v1/spend").get_json()
    assert spend["threshold_pounds"] == 500
    assert spend["spend"] == [{
        "Body Name": "Cheshire East Council", "Date": "2025-11-10",
        "Transaction Number": "PB-2025/017-T1", "Amount": "2400.00",
        "Irrecoverable VAT": "0.00", "Supplier Name": "Hurdsfield Community Centre",
        "Supplier ID": "GB-CHC-1093012",
        "Department": "Macclesfield Community Health Partnership",
        "Service Area": "Macclesfield Community Health Grants",
        "Expenses Type": "Grants to voluntary, community and social enterprise organisations",
        "Merchant Category": "Grant payment",
        "Purpose": "Hurdsfield Dementia Cafe: tranche 1 of the grant"}]
    rows = _csv(client.get("/api/v1/spend?format=csv"))
    assert list(rows[0])[:4] == ["Body Name", "Date", "Transaction Number", "Amount"]


def test_small_payments_are_not_in_the_spend_register(client, published, neighbourhood):
    from pb.grants import tranches

    walkers = published.group_grant
    first = walkers.tranches[0]  # 50% of £450: £225
    tranches.release(walkers, first.id, neighbourhood.users["grant_officer2"],
                     paid_on="2025-11-12", reference="BACS 44121")
    payments = client.get("/api/v1/payments").get_json()["payments"]
    assert len(payments) == 2
    spend = client.get("/api/v1/spend").get_json()["spend"]
    assert [s["Transaction Number"] for s in spend] == ["PB-2025/017-T1"]


def test_kpis_and_cost_benefit_across_programmes(client, published):
    kpis = client.get("/api/v1/kpis").get_json()["kpis"]
    assert {k["programme"] for k in kpis} == {"Macclesfield Community Health Grants"}
    cb = client.get("/api/v1/cost-benefit").get_json()["cost_benefit"]
    assert {r["activity"] for r in cb} >= {"Hurdsfield Dementia Cafe"}
    assert all(r["method"] for r in cb)
