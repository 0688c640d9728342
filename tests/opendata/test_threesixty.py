"""360Giving: the JSON data package and the CSV follow the 360Giving Data Standard."""

from __future__ import annotations

import csv
import io
import json
import re
from datetime import datetime
from pathlib import Path

import jsonschema
import pytest
from referencing import Registry, Resource
from referencing.jsonschema import DRAFT4

SCHEMAS = Path(__file__).parent / "schema"
GRANT_URL = ("https://raw.githubusercontent.com/ThreeSixtyGiving/standard/1.4/schema/"
             "360-giving-schema.json")
REQUIRED_COLUMNS = ["Identifier", "Title", "Description", "Currency", "Amount Awarded",
                    "Award Date", "Funding Org:Identifier", "Funding Org:Name",
                    "Recipient Org:Identifier", "Recipient Org:Name"]


def _load(name: str) -> dict:
    return json.loads((SCHEMAS / name).read_text())


FORMATS = jsonschema.FormatChecker()


@FORMATS.checks("date-time", raises=ValueError)
def _full_date_time(value) -> bool:
    """A full date-time with its zone (RFC 3339), as 360Giving asks for dateModified."""
    if not isinstance(value, str):
        return True
    if not re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?(Z|[+-]\d\d:\d\d)", value):
        raise ValueError(f"{value!r} is not a full date-time")
    datetime.fromisoformat(value.replace("Z", "+00:00"))
    return True


def validate_package(data: dict) -> None:
    grant_schema = _load("360-giving-schema.json")
    registry = Registry().with_resource(GRANT_URL, Resource(grant_schema, specification=DRAFT4))
    validator = jsonschema.Draft4Validator(_load("360-giving-package-schema.json"),
                                           registry=registry, format_checker=FORMATS)
    validator.validate(data)


def test_the_package_validates_against_the_360giving_schema(client, published):
    data = client.get("/api/v1/grants/360giving.json").get_json()
    validate_package(data)
    assert data["version"] == "1.4"
    assert data["publisher"]["identifier"] == "GB-LAE-CHE"


def test_the_validator_can_fail(client, published):
    data = client.get("/api/v1/grants/360giving.json").get_json()
    broken = json.loads(json.dumps(data))
    del broken["grants"][0]["awardDate"]
    with pytest.raises(jsonschema.ValidationError, match="awardDate"):
        validate_package(broken)
    broken = json.loads(json.dumps(data))
    broken["grants"][0]["amountAwarded"] = "£4,800"
    with pytest.raises(jsonschema.ValidationError):
        validate_package(broken)
    broken = json.loads(json.dumps(data))
    broken["grants"][0]["dateModified"] = "2025-10-13"
    with pytest.raises(jsonschema.ValidationError):
        validate_package(broken)


def _by_title(data):
    return {g["title"]: g for g in data["grants"]}


def test_required_fields_identifiers_dates_and_amounts(app, client, published):
    app.config["360GIVING_PREFIX"] = "cheshire-east"
    data = client.get("/api/v1/grants/360giving.json").get_json()
    grants = _by_title(data)
    # Awarded grants only: no draft.
    assert set(grants) == {"Hurdsfield Dementia Cafe", "Tytherington Walking Group"}
    cafe = grants["Hurdsfield Dementia Cafe"]
    for field in ("id", "title", "description", "currency", "amountAwarded", "awardDate",
                  "fundingOrganization", "recipientOrganization"):
        assert cafe[field] not in (None, "", [])
    # The reference's slash becomes an underscore; the configured prefix is used.
    assert cafe["id"] == "360G-cheshire-east-PB-2025_017"
    assert cafe["currency"] == "GBP" and cafe["amountAwarded"] == 4800
    assert cafe["awardDate"] == "2025-10-13"
    assert cafe["fundingOrganization"][0] == {
        "id": "GB-LAE-CHE", "name": "Cheshire East Council",
        "department": "Macclesfield Community Health Partnership"}
    assert cafe["recipientOrganization"][0]["id"] == "GB-CHC-1093012"
    assert cafe["recipientOrganization"][0]["charityNumber"] == "1093012"
    walkers = grants["Tytherington Walking Group"]
    org_id = published.group_grant.organisation_id
    assert walkers["recipientOrganization"][0] == {
        "id": f"360G-cheshire-east-org-{org_id}", "name": "Silk Town Walkers"}
    assert walkers["amountAwarded"] == 450


def test_recommended_fields(client, published):
    cafe = _by_title(client.get("/api/v1/grants/360giving.json").get_json())[
        "Hurdsfield Dementia Cafe"]
    assert cafe["grantProgramme"][0]["title"] == "Macclesfield Community Health Grants"
    assert cafe["plannedDates"] == [{"startDate": "2025-11-03", "endDate": "2026-11-02",
                                     "duration": "12"}]
    assert cafe["beneficiaryLocation"] == [{"name": "Macclesfield Hurdsfield",
                                            "countryCode": "GB", "geoCode": "E05008633",
                                            "geoCodeType": "WD"}]
    # One disbursement per tranche paid; the total disbursed is their sum.
    assert cafe["disbursementTransaction"] == [{
        "id": "360G-pb-PB-2025_017-T1", "transactionDate": "2025-11-10", "value": 2400,
        "currency": "GBP"}]
    assert cafe["amountDisbursed"] == 2400
    assert [c["title"] for c in cafe["classifications"]] == ["Older people",
                                                             "Social isolation"]
    assert re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\+00:00", cafe["dateModified"])
    assert cafe["fromOpenCall"] == "Yes"


def test_the_csv_uses_the_360giving_column_titles(client, published):
    response = client.get("/api/v1/grants/360giving.csv")
    assert response.mimetype == "text/csv"
    rows = list(csv.DictReader(io.StringIO(response.get_data(as_text=True))))
    assert list(rows[0])[:6] == REQUIRED_COLUMNS[:6]
    assert set(REQUIRED_COLUMNS) <= set(rows[0])
    cafe = [r for r in rows if r["Identifier"] == "360G-pb-PB-2025_017"]
    # Two themes: a second row repeats the Identifier and adds only the next theme.
    assert len(cafe) == 2
    assert cafe[0]["Amount Awarded"] == "4800" and cafe[0]["Award Date"] == "2025-10-13"
    assert cafe[0]["Recipient Org:Identifier"] == "GB-CHC-1093012"
    assert cafe[0]["Disbursement Transaction:Value"] == "2400"
    assert cafe[1]["Title"] == "" and cafe[1]["Classifications:Title"] == "Social isolation"
    assert all("." not in column for column in rows[0])  # no full stops in column names


def test_each_page_is_a_valid_package_that_states_its_pagination(client, published):
    first = client.get("/api/v1/grants/360giving.json?per_page=1").get_json()
    validate_package(first)
    assert len(first["grants"]) == 1
    assert first["pagination"]["total"] == 2 and first["pagination"]["pages"] == 2
    assert first["pagination"]["next"].endswith("page=2&per_page=1") or \
        "page=2" in first["pagination"]["next"]
