"""The response schema and an example for every /api/v1 endpoint (JSON Schema 2020-12, as
OpenAPI 3.1 uses). ``pb.api.openapi`` builds the description from these and the URL map;
a test fails when an API route has no entry here, or an example does not fit its schema.
"""

from __future__ import annotations

S = {"type": "string"}
NS = {"type": ["string", "null"]}
I = {"type": "integer"}  # noqa: E741 - the schema vocabulary's own short names
NI = {"type": ["integer", "null"]}
N = {"type": "number"}
NN = {"type": ["number", "null"]}
B = {"type": "boolean"}
DT = {"type": ["string", "null"], "format": "date-time"}
D = {"type": ["string", "null"], "format": "date"}
STRINGS = {"type": "array", "items": S}
ANY = {}


def obj(properties: dict, required: list[str] | None = None) -> dict:
    return {"type": "object", "properties": properties,
            "required": list(properties) if required is None else required}


PAGINATION = obj({"page": I, "per_page": I, "total": I, "pages": I,
                  "next": {"type": ["string", "null"], "format": "uri"},
                  "previous": {"type": ["string", "null"], "format": "uri"}})
ERROR = obj({"error": obj({"status": I, "message": S})})


def listing(name: str, item: dict, extra: dict | None = None) -> dict:
    """A paginated list: the items under ``name`` and the ``pagination`` object."""
    schema = obj({**(extra or {}), name: {"type": "array", "items": item},
                  "pagination": PAGINATION})
    return schema


ROUND = obj({"id": I, "name": S, "area": S, "partnership": S, "budget_pence": I, "status": S,
             "ballot_design": S, "allocation_rule": S, "tie_break": S,
             "proposals_open_at": DT, "proposals_close_at": DT, "voting_open_at": DT,
             "voting_close_at": DT, "results_published_at": DT})
ROUND_DETAIL = {"allOf": [ROUND, obj({
    "description": S, "min_project_cost_pence": NI, "max_project_cost_pence": NI,
    "wards": {"type": "array", "items": obj({"id": I, "name": S, "code": NS})},
    "ward_budgets": {"type": "array", "items": obj({"ward": S, "budget_pence": I})},
    "eligibility": obj({"postcode_in_area": ANY, "min_age": ANY, "verification": ANY}),
})]}
PROPOSAL = obj({
    "round_id": I, "id": I, "pb_id": S, "title": S, "summary": S, "cost_pence": I,
    "status": S, "status_label": S, "status_reason": NS, "wards": STRINGS,
    "is_area_wide": B, "themes": STRINGS, "outcomes": STRINGS, "supports": I,
    "proposer": NS, "organisation": NS, "delivered_by": NS, "paper_submission": B,
    "budget_lines": {"type": "array", "items": obj({"description": S, "amount_pence": I})},
    "merged_into": NI, "submitted_at": DT, "url": {"type": "string", "format": "uri"}})
ANCHOR = {"oneOf": [{"type": "null"},
                    obj({"entry_id": I, "head_hash": {"type": "string",
                                                     "pattern": "^[0-9a-f]{64}$"},
                         "at": {"type": "string", "format": "date-time"}})]}
RESULT = obj({
    "round_id": I, "rule": S, "tie_break": S, "budget": I, "spent": I, "certified": B,
    "certified_at": DT, "ballots": I, "inputs_sha256": S, "selected": STRINGS,
    "computed_selected": STRINGS,
    "projects": {"type": "object", "additionalProperties": obj(
        {"name": S, "cost": I, "votes": I, "points": I, "selected": B, "explanation": S},
        ["name", "cost", "votes", "selected", "explanation"])},
    "override": NS, "override_exceptions": ANY, "audit_anchor": ANCHOR})
EVENT = obj({"id": I, "name": S, "date": D, "checked_in": I,
             "votes_by_channel": obj({"online": I, "tablet": I, "paper": I}),
             "paper": obj({"received": I, "entered": I, "matched": I, "spoilt": I})})
GRANT = obj({"id": I, "proposal_id": NI, "round_id": NI, "programme_id": NI,
             "organisation": NS, "amount_awarded_pence": I, "amount_paid_pence": I,
             "status": S, "rag": NS, "start_date": D, "end_date": D})
PROGRAMME = obj({"id": I, "name": S, "funder": S, "budget_pence": I,
                 "rounds": {"type": "array", "items": I}})
KPI = obj({"code": S, "name": S, "unit": S, "by_area": {
    "type": "object", "additionalProperties": obj({"target": NI, "achieved": I})}})
COST_BENEFIT_ROW = obj({"activity": S, "provider": NS, "outcomes": STRINGS, "cost_pence": I,
                        "funding_route": S, "savings_pence": I})
RESULT_ROW = obj({"round_id": I, "round": S, "project_id": S, "title": S, "cost_pence": I,
                  "votes": I, "points": NI, "funded": B, "why": S})
PAYMENT = obj({"id": I, "grant_id": I, "grant_reference": S, "grant_title": S,
               "recipient": NS, "amount_pence": I, "paid_on": D, "tranche_number": I})
SPEND = obj(dict.fromkeys((
    "Body Name", "Date", "Transaction Number", "Amount", "Irrecoverable VAT", "Supplier Name",
    "Supplier ID", "Department", "Service Area", "Expenses Type", "Merchant Category",
    "Purpose"), S))
THREESIXTY = obj({"grants": {"type": "array", "items": obj(
    {"id": {"type": "string", "pattern": "^360G-"}, "title": S, "description": S,
     "currency": {"const": "GBP"}, "amountAwarded": N,
     "awardDate": {"type": "string", "format": "date"},
     "fundingOrganization": {"type": "array", "items": obj({"id": S, "name": S})},
     "recipientOrganization": {"type": "array", "items": obj({"id": S, "name": S})}})},
    "version": S, "publisher": obj({"name": S}, ["name"]),
    "pagination": PAGINATION},
    ["grants", "version", "publisher"])
OPENAPI = obj({"openapi": S, "info": obj({"title": S, "version": S}, ["title", "version"]),
               "paths": {"type": "object"}}, ["openapi", "info", "paths"])

_HASH = "3f7a" * 16
_ROUND = {"id": 3, "name": "Macclesfield Health Decision Day 2025", "area": "Macclesfield",
          "partnership": "Macclesfield Community Health Partnership",
          "budget_pence": 10_000_000, "status": "results", "ballot_design": "approval",
          "allocation_rule": "greedy-approval", "tie_break": "id",
          "proposals_open_at": "2025-06-01T08:00:00Z",
          "proposals_close_at": "2025-08-31T22:00:00Z",
          "voting_open_at": "2025-10-01T08:00:00Z", "voting_close_at": "2025-10-15T20:00:00Z",
          "results_published_at": "2025-10-16T10:00:00Z"}
_PAGE = {"page": 1, "per_page": 100, "total": 1, "pages": 1, "next": None, "previous": None}
_PROPOSAL = {"round_id": 3, "id": 12, "pb_id": "12", "title": "Hurdsfield Dementia Cafe",
             "summary": "A weekly cafe for people living with dementia and their carers.",
             "cost_pence": 600_000, "status": "shortlisted", "status_label": "Shortlisted",
             "status_reason": None, "wards": ["Macclesfield Hurdsfield"],
             "is_area_wide": False, "themes": ["Older people"],
             "outcomes": ["Reduced isolation"], "supports": 14,
             "proposer": "Hurdsfield Community Centre",
             "organisation": "Hurdsfield Community Centre", "delivered_by": "Local residents",
             "paper_submission": False,
             "budget_lines": [{"description": "Hall hire", "amount_pence": 240_000}],
             "merged_into": None, "submitted_at": "2025-07-02T09:30:00Z",
             "url": "https://pb.example.org/proposals/12"}
_GRANT = {"id": 4, "proposal_id": 12, "round_id": 3, "programme_id": 1,
          "organisation": "Hurdsfield Community Centre", "amount_awarded_pence": 600_000,
          "amount_paid_pence": 300_000, "status": "active", "rag": "green",
          "start_date": "2025-11-01", "end_date": "2026-10-31"}
_EVENT = {"id": 1, "name": "Macclesfield Decision Day", "date": "2025-10-11",
          "checked_in": 212, "votes_by_channel": {"online": 120, "tablet": 64, "paper": 28},
          "paper": {"received": 30, "entered": 30, "matched": 28, "spoilt": 2}}

# endpoint -> (schema, example, media type of the 200 answer, a list?)
ENDPOINTS: dict[str, tuple[dict, object, str, bool]] = {
    "api.rounds": (listing("rounds", ROUND), {"rounds": [_ROUND], "pagination": _PAGE},
                   "application/json", True),
    "api.round_detail": (ROUND_DETAIL, {**_ROUND, "description": "£100,000 for health.",
                                        "min_project_cost_pence": 50_000,
                                        "max_project_cost_pence": 1_000_000,
                                        "wards": [{"id": 2, "name": "Macclesfield Hurdsfield",
                                                   "code": "E05008633"}],
                                        "ward_budgets": [],
                                        "eligibility": {"postcode_in_area": True,
                                                        "min_age": 11,
                                                        "verification": "email"}},
                         "application/json", False),
    "api.round_proposals": (listing("proposals", PROPOSAL, {"round": I}),
                            {"round": 3, "proposals": [_PROPOSAL], "pagination": _PAGE},
                            "application/json", True),
    "api.all_proposals": (listing("proposals", PROPOSAL),
                          {"proposals": [_PROPOSAL], "pagination": _PAGE},
                          "application/json", True),
    "api.round_results": (RESULT, {
        "round_id": 3, "rule": "greedy-approval", "tie_break": "id", "budget": 10_000_000,
        "spent": 600_000, "certified": True, "certified_at": "2025-10-16T10:00:00Z",
        "ballots": 1_204, "inputs_sha256": _HASH, "selected": ["12"],
        "computed_selected": ["12"],
        "projects": {"12": {"name": "Hurdsfield Dementia Cafe", "cost": 600_000,
                            "votes": 512, "selected": True,
                            "explanation": "Funded: most votes of those that fit."}},
        "override": None, "override_exceptions": [],
        "audit_anchor": {"entry_id": 4_411, "head_hash": _HASH,
                         "at": "2025-10-16T10:00:00Z"}}, "application/json", False),
    "api.round_ballots_pb": ({"type": "string"}, "META\nkey;value\n", "text/plain", False),
    "api.round_receipts": (listing("receipt_hashes", S, {"round_id": I, "algorithm": S,
                                                         "counted": I}),
                           {"round_id": 3, "algorithm": "sha256", "counted": 1,
                            "receipt_hashes": [_HASH], "pagination": _PAGE},
                           "application/json", True),
    "api.round_events": (listing("events", EVENT), {"events": [_EVENT], "pagination": _PAGE},
                         "application/json", True),
    "api.all_events": (listing("events", {"allOf": [EVENT, obj({"round_id": I})]}),
                       {"events": [{**_EVENT, "round_id": 3}], "pagination": _PAGE},
                       "application/json", True),
    "api.grants": (listing("grants", GRANT), {"grants": [_GRANT], "pagination": _PAGE},
                   "application/json", True),
    "api.programmes": (listing("programmes", PROGRAMME), {"programmes": [
        {"id": 1, "name": "Healthy Neighbours", "funder": "Public Health",
         "budget_pence": 40_000_000, "rounds": [3]}], "pagination": _PAGE},
        "application/json", True),
    "api.programme_kpis": (listing("kpis", KPI), {"kpis": [
        {"code": "volunteers", "name": "Volunteers recruited", "unit": "people",
         "by_area": {"Macclesfield": {"target": 40, "achieved": 43}}}], "pagination": _PAGE},
        "application/json", True),
    "api.programme_cost_benefit_json": (listing("rows", COST_BENEFIT_ROW, {
        "cost_pence": I, "savings_pence": I, "ratio": NN, "method": S}), {
        "cost_pence": 2_570_300, "savings_pence": 23_813_200, "ratio": 9.26,
        "method": "Unit costs from the GMCA database.",
        "rows": [{"activity": "CBT Support Group", "provider": "Local residents",
                  "outcomes": ["Mental health"], "cost_pence": 162_500,
                  "funding_route": "Participatory budgeting", "savings_pence": 3_221_600}],
        "pagination": _PAGE}, "application/json", True),
    "api.all_results": (listing("results", RESULT_ROW), {"results": [
        {"round_id": 3, "round": "Macclesfield Health Decision Day 2025", "project_id": "12",
         "title": "Hurdsfield Dementia Cafe", "cost_pence": 600_000, "votes": 512,
         "points": None, "funded": True, "why": "Funded: most votes of those that fit."}],
        "pagination": _PAGE}, "application/json", True),
    "api.payments": (listing("payments", PAYMENT), {"payments": [
        {"id": 9, "grant_id": 4, "grant_reference": "PB3-12", "grant_title": "Dementia Cafe",
         "recipient": "Hurdsfield Community Centre", "amount_pence": 300_000,
         "paid_on": "2025-11-03", "tranche_number": 1}], "pagination": _PAGE},
        "application/json", True),
    "api.all_kpis": (listing("kpis", {"allOf": [KPI, obj({"programme_id": I,
                                                        "programme": S})]}),
                     {"kpis": [{"programme_id": 1, "programme": "Healthy Neighbours",
                                "code": "hours", "name": "Volunteering hours",
                                "unit": "hours", "by_area": {}}], "pagination": _PAGE},
                     "application/json", True),
    "api.all_cost_benefit": (listing("cost_benefit", {"allOf": [COST_BENEFIT_ROW, obj(
        {"programme_id": I, "programme": S, "method": S})]}), {"cost_benefit": [
            {"programme_id": 1, "programme": "Healthy Neighbours", "activity": "CBT group",
             "provider": "Local residents", "outcomes": [], "cost_pence": 162_500,
             "funding_route": "Participatory budgeting", "savings_pence": 3_221_600,
             "method": "Unit costs."}], "pagination": _PAGE}, "application/json", True),
    "api.spend_over_500": (listing("spend", SPEND, {"threshold_pounds": I}), {
        "threshold_pounds": 500, "spend": [{
            "Body Name": "Cheshire East Council", "Date": "2025-11-03",
            "Transaction Number": "PB3-12-T1", "Amount": "3000.00", "Irrecoverable VAT": "0.00",
            "Supplier Name": "Hurdsfield Community Centre", "Supplier ID": "GB-CHC-1093012",
            "Department": "Macclesfield Community Health Partnership",
            "Service Area": "Healthy Neighbours",
            "Expenses Type": "Grants to voluntary, community and social enterprise "
                             "organisations",
            "Merchant Category": "Grant payment",
            "Purpose": "Dementia Cafe: tranche 1 of the grant"}], "pagination": _PAGE},
        "application/json", True),
    "api.threesixty_json": (THREESIXTY, {"grants": [{
        "id": "360G-pb-PB3-12", "title": "Hurdsfield Dementia Cafe",
        "description": "A weekly cafe.", "currency": "GBP", "amountAwarded": 6000,
        "awardDate": "2025-10-16",
        "fundingOrganization": [{"id": "GB-LAE-CHE", "name": "Cheshire East Council"}],
        "recipientOrganization": [{"id": "GB-CHC-1093012",
                                   "name": "Hurdsfield Community Centre"}]}],
        "version": "1.4", "publisher": {"name": "Cheshire East Council"},
        "pagination": _PAGE}, "application/json", True),
    "api.threesixty_csv": ({"type": "string"}, "Identifier,Title\r\n", "text/csv", False),
    "api.openapi": (OPENAPI, {"openapi": "3.1.0", "info": {"title": "pb", "version": "1"},
                              "paths": {}}, "application/json", False),
}
