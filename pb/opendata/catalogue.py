"""What /open-data lists: every dataset, what it holds, its licence, when it last changed.

"Last changed" is the newest audit entry about the kind of record a dataset is made of
(every change is audited), read for all datasets in one query.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from flask import current_app, url_for
from sqlalchemy import func, select

from pb.extensions import db
from pb.models import AuditEntry, Round


@dataclass(frozen=True)
class Dataset:
    key: str
    title: str
    contains: str
    endpoint: str  # the API endpoint serving its JSON (and CSV with ?format=csv)
    object_types: tuple[str, ...]  # audit object types whose changes change it
    csv: bool = True
    format_note: str = ""


DATASETS = (
    Dataset("rounds", "Rounds", "Every published round: area, partnership, budget, ballot "
            "design, counting rule, tie-break and its dates.", "api.rounds", ("Round",)),
    Dataset("proposals", "Proposals", "Every public proposal: title, summary, cost and budget "
            "lines, wards, themes, status, supports and who puts it forward (organisation or "
            "first name only).", "api.all_proposals", ("Proposal", "Round")),
    Dataset("results", "Results", "Per project of every certified result: votes, cost, "
            "whether it was funded, and why.", "api.all_results", ("RoundResult",)),
    Dataset("events", "Decision days", "Every decision day: date, people checked in, votes "
            "by channel (online, tablet, paper) and the paper ballots' figures. Counts only.",
            "api.all_events", ("Event", "PaperBallot")),
    Dataset("grants", "Grants", "Every grant: round, programme, recipient organisation, "
            "amount awarded and paid, status, RAG rating and dates.", "api.grants",
            ("Grant",)),
    Dataset("payments", "Grant payments", "Every tranche paid to a grant: date, amount and "
            "recipient.", "api.payments", ("Grant",)),
    Dataset("kpis", "KPIs", "Each programme's key performance indicators: target and "
            "achievement per area, from accepted monitoring returns.", "api.all_kpis",
            ("Grant", "Programme")),
    Dataset("cost_benefit", "Cost-benefit", "Each programme's grants: cost by funding route, "
            "estimated savings and the method behind them.", "api.all_cost_benefit",
            ("Grant", "Programme")),
    Dataset("spend", "Spend over £500", "Every payment over £500 in the Local Government "
            "Transparency Code 2015's fields (amounts in pounds).", "api.spend_over_500",
            ("Grant",)),
    Dataset("360giving", "Grants in the 360Giving Data Standard", "Every awarded grant as a "
            "360Giving data package (JSON) and spreadsheet (CSV), for GrantNav and other "
            "funders' data.", "api.threesixty_json", ("Grant",), csv=False,
            format_note="JSON: a 360Giving data package; CSV: 360Giving column titles."),
)


def last_changed() -> dict[str, datetime | None]:
    """When each kind of record last changed (one query)."""
    rows = db.session.execute(select(AuditEntry.object_type, func.max(AuditEntry.created_at))
                              .group_by(AuditEntry.object_type)).all()
    newest = dict(rows)
    return {d.key: max((newest[t] for t in d.object_types if newest.get(t)), default=None)
            for d in DATASETS}


def licence() -> dict:
    return {"name": current_app.config["OPEN_DATA_LICENCE"],
            "url": current_app.config["OPEN_DATA_LICENCE_URL"]}


def dataset_links(dataset: Dataset) -> dict:
    if dataset.key == "360giving":
        return {"json": url_for("api.threesixty_json"), "csv": url_for("api.threesixty_csv")}
    json_url = url_for(dataset.endpoint)
    return {"json": json_url, "csv": url_for(dataset.endpoint, format="csv")}


def per_round_files() -> list[dict]:
    """Each published round's own files: ballots.pb (once voting closes) and its result."""
    rounds = db.session.scalars(select(Round).where(Round.is_published.is_(True))
                                .order_by(Round.id)).all()
    return [{"round": r, "ballots": r.status in ("closed", "results"),
             "result": r.results_published_at is not None} for r in rounds]


def api_routes() -> list[dict]:
    """Every /api/v1 route with the first line of its docstring, for the API page."""
    routes = []
    for rule in current_app.url_map.iter_rules():
        if not rule.endpoint.startswith("api."):
            continue
        doc = (current_app.view_functions[rule.endpoint].__doc__ or "").strip()
        routes.append({"path": rule.rule.replace("<int:", "{").replace(">", "}"),
                       "summary": doc.splitlines()[0] if doc else "",
                       "list": "pagination" in doc.lower() or "paginated" in doc.lower()})
    return sorted(routes, key=lambda r: r["path"])
