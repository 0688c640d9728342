"""Grants in the 360Giving Data Standard: a JSON data package and its spreadsheet (CSV).

Identifiers: grants ``360G-<prefix>-<grant reference>``; recipients by their register
(``GB-CHC-<charity number>``, else ``GB-COH-<company number>``, leading zeros kept),
unregistered groups ``360G-<prefix>-org-<id>`` (or ``-group-<grant id>`` when the grant
names no organisation). The prefix is ``PB_360GIVING_PREFIX``; the funder is
``FUNDER_ORG_ID``/``FUNDER_ORG_NAME``, its department the partnership. Dates
``YYYY-MM-DD``, ``dateModified`` a full date-time, amounts plain numbers in pounds.
"""

from __future__ import annotations

import re
from datetime import datetime

from flask import current_app, url_for
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from pb.config import DEFAULT_360GIVING_PREFIX
from pb.extensions import db
from pb.grants.tranches import money_for
from pb.models import Grant
from pb.models.base import utcnow

# Grants whose award has been made: an agreement offered, under way or finished.
AWARDED = ("offered", "active", "closed")
VERSION = "1.4"


def prefix() -> str:
    return str(current_app.config.get("360GIVING_PREFIX") or DEFAULT_360GIVING_PREFIX)


def identifier(*parts) -> str:
    """``360G-<prefix>-<parts>``: no slashes, spaces or other specials (they become _)."""
    tail = "-".join(re.sub(r"[^A-Za-z0-9_.-]", "_", str(p)) for p in parts)
    return f"360G-{prefix()}-{tail}"


def pounds(pence: int) -> int | float:
    return pence // 100 if pence % 100 == 0 else pence / 100


def full_datetime(value: datetime | None) -> str:
    return (value or utcnow()).replace(microsecond=0).isoformat() + "+00:00"


def awarded_grants() -> list[Grant]:
    return list(db.session.scalars(
        select(Grant).where(Grant.status.in_(AWARDED)).order_by(Grant.id).options(
            selectinload(Grant.organisation), selectinload(Grant.programme),
            selectinload(Grant.partnership), selectinload(Grant.area),
            selectinload(Grant.wards), selectinload(Grant.themes),
            selectinload(Grant.tranches), selectinload(Grant.adjustments),
            selectinload(Grant.returns), selectinload(Grant.corrections))))


def recipient(grant: Grant) -> dict:
    organisation = grant.organisation
    if organisation is None:
        return {"id": identifier("group", grant.id),
                "name": grant.delivered_by or "Unregistered resident group"}
    data = {"name": organisation.name}
    if organisation.charity_number:
        data["id"] = f"GB-CHC-{organisation.charity_number}"
        data["charityNumber"] = organisation.charity_number
    elif organisation.company_number:
        data["id"] = f"GB-COH-{organisation.company_number}"
    else:
        data["id"] = identifier("org", organisation.id)
    if organisation.company_number:
        data["companyNumber"] = organisation.company_number
    if organisation.postcode:
        data["postalCode"] = organisation.postcode
    if organisation.website:
        data["url"] = organisation.website
    return data


def locations(grant: Grant) -> list[dict]:
    """The wards the grant serves (with their GSS code where known), else its area."""
    if not grant.wards:
        return [{"name": grant.area.name, "countryCode": "GB"}]
    rows = []
    for ward in grant.wards:
        row = {"name": ward.name, "countryCode": "GB"}
        if ward.code:
            row.update(geoCode=ward.code, geoCodeType="WD")
        rows.append(row)
    return rows


def transactions(grant: Grant) -> list[dict]:
    """One disbursement per tranche paid."""
    return [{"id": identifier(grant.reference, f"T{t.position + 1}"),
             "transactionDate": t.released_on.isoformat(), "value": pounds(t.paid_pence or 0),
             "currency": "GBP"}
            for t in grant.tranches if t.status == "released" and t.released_on]


def planned_dates(grant: Grant) -> list[dict]:
    if not grant.start_date:
        return []
    dates = {"startDate": grant.start_date.isoformat()}
    if grant.end_date:
        dates["endDate"] = grant.end_date.isoformat()
        months = ((grant.end_date.year - grant.start_date.year) * 12
                  + grant.end_date.month - grant.start_date.month)
        dates["duration"] = str(max(months, 1))
    return [dates]


def grant_record(grant: Grant, source: str) -> dict:
    record = {
        "id": identifier(grant.reference),
        "title": grant.title[:140],
        "description": grant.summary or grant.title,
        "currency": "GBP",
        "amountAwarded": pounds(grant.amount_pence),
        "awardDate": grant.award_date.isoformat(),
        "fundingOrganization": [{"id": current_app.config["FUNDER_ORG_ID"],
                                 "name": current_app.config["FUNDER_ORG_NAME"],
                                 "department": grant.partnership.name}],
        "recipientOrganization": [recipient(grant)],
        "fromOpenCall": "Yes",  # chosen by a resident vote
        "beneficiaryLocation": locations(grant),
        "amountDisbursed": pounds(money_for(grant).paid),
        "disbursementTransaction": transactions(grant),
        "classifications": [{"vocabulary": identifier("themes"), "code": t.slug,
                             "title": t.name} for t in grant.themes],
        "dateModified": full_datetime(grant.updated_at),
        "dataSource": source,
    }
    if grant.programme:
        record["grantProgramme"] = [{"code": identifier("programme", grant.programme.id),
                                     "title": grant.programme.name}]
    dates = planned_dates(grant)
    if dates:
        record["plannedDates"] = dates
    return record


def package(grants: list[Grant], *, pagination: dict | None = None) -> dict:
    source = url_for("api.threesixty_json", _external=True)
    records = [grant_record(g, source) for g in grants]
    modified = max((g.updated_at for g in grants if g.updated_at), default=None)
    data = {
        "grants": records,
        "version": VERSION,
        "extensions": [],
        "title": f"{current_app.config['FUNDER_ORG_NAME']}: participatory budgeting grants",
        "description": "Grants awarded to projects residents chose by vote, published by pb.",
        "issued": utcnow().date().isoformat(),
        "modified": full_datetime(modified),
        "identifier": identifier("grants"),
        "publisher": {"name": current_app.config["FUNDER_ORG_NAME"],
                      "identifier": current_app.config["FUNDER_ORG_ID"],
                      "website": url_for("opendata.index", _external=True)},
        "license": current_app.config["OPEN_DATA_LICENCE_URL"],
        "downloadURL": source,
        "accessURL": url_for("opendata.index", _external=True),
    }
    if pagination is not None:
        data["pagination"] = pagination
    return data


# The spreadsheet: 360Giving column titles, one row per grant; a grant with more than one
# location, classification or payment repeats its Identifier on further rows that add
# only the next of each (the standard's way of giving one-to-many data in one sheet).
CSV_COLUMNS = [
    "Identifier", "Title", "Description", "Currency", "Amount Awarded", "Award Date",
    "Amount Disbursed", "Planned Dates:Start Date", "Planned Dates:End Date",
    "Planned Dates:Duration (months)", "Recipient Org:Identifier", "Recipient Org:Name",
    "Recipient Org:Charity Number", "Recipient Org:Company Number",
    "Recipient Org:Postal Code", "Funding Org:Identifier", "Funding Org:Name",
    "Funding Org:Department", "Grant Programme:Code", "Grant Programme:Title",
    "From An Open Call?", "Beneficiary Location:Name", "Beneficiary Location:Country Code",
    "Beneficiary Location:Geographic Code", "Beneficiary Location:Geographic Code Type",
    "Classifications:Vocabulary", "Classifications:Code", "Classifications:Title",
    "Disbursement Transaction:Identifier", "Disbursement Transaction:Transaction Date",
    "Disbursement Transaction:Value", "Disbursement Transaction:Currency", "Last Modified",
    "Data Source",
]


def csv_rows(records: list[dict]):
    for record in records:
        first = _first_row(record)
        lists = (record["beneficiaryLocation"], record["classifications"],
                 record["disbursementTransaction"])
        for index in range(max(1, *(len(items) for items in lists))):
            row = dict(first) if index == 0 else {"Identifier": record["id"]}
            row.update(_nth(lists, index))
            yield [row.get(column, "") for column in CSV_COLUMNS]


def _first_row(record: dict) -> dict:
    recipient_ = record["recipientOrganization"][0]
    funder = record["fundingOrganization"][0]
    dates = (record.get("plannedDates") or [{}])[0]
    programme = (record.get("grantProgramme") or [{}])[0]
    return {
        "Identifier": record["id"], "Title": record["title"],
        "Description": record["description"], "Currency": record["currency"],
        "Amount Awarded": record["amountAwarded"], "Award Date": record["awardDate"],
        "Amount Disbursed": record["amountDisbursed"],
        "Planned Dates:Start Date": dates.get("startDate", ""),
        "Planned Dates:End Date": dates.get("endDate", ""),
        "Planned Dates:Duration (months)": dates.get("duration", ""),
        "Recipient Org:Identifier": recipient_["id"], "Recipient Org:Name": recipient_["name"],
        "Recipient Org:Charity Number": recipient_.get("charityNumber", ""),
        "Recipient Org:Company Number": recipient_.get("companyNumber", ""),
        "Recipient Org:Postal Code": recipient_.get("postalCode", ""),
        "Funding Org:Identifier": funder["id"], "Funding Org:Name": funder["name"],
        "Funding Org:Department": funder.get("department", ""),
        "Grant Programme:Code": programme.get("code", ""),
        "Grant Programme:Title": programme.get("title", ""),
        "From An Open Call?": record["fromOpenCall"],
        "Last Modified": record["dateModified"], "Data Source": record["dataSource"],
    }


def _nth(lists, index: int) -> dict:
    locations_, classifications, payments = lists
    row = {}
    if index < len(locations_):
        place = locations_[index]
        row.update({"Beneficiary Location:Name": place.get("name", ""),
                    "Beneficiary Location:Country Code": place.get("countryCode", ""),
                    "Beneficiary Location:Geographic Code": place.get("geoCode", ""),
                    "Beneficiary Location:Geographic Code Type": place.get("geoCodeType", "")})
    if index < len(classifications):
        theme = classifications[index]
        row.update({"Classifications:Vocabulary": theme["vocabulary"],
                    "Classifications:Code": theme["code"],
                    "Classifications:Title": theme["title"]})
    if index < len(payments):
        payment = payments[index]
        row.update({"Disbursement Transaction:Identifier": payment["id"],
                    "Disbursement Transaction:Transaction Date": payment["transactionDate"],
                    "Disbursement Transaction:Value": payment["value"],
                    "Disbursement Transaction:Currency": payment["currency"]})
    return row
