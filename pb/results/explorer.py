"""The rule explorer: a past round's ballots, or an uploaded .pb file, under every chosen
rule, tie-break and constraint setting, side by side, as a background job.

Limits (stated on the page): an upload of at most ``UPLOAD_MAX_BYTES`` (5 MB, about
60,000 voters), UTF-8 text, checked line by line before any job starts; at most
``MAX_RUNS`` counts per exploration; the whole job stops at ``JOB_TIMEOUT_SECONDS``
(10 minutes). "Most total support" gives up on elections too large for its exact search
and says so in its row.
"""

from __future__ import annotations

import uuid
from pathlib import Path

from flask import current_app
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from pb import jobs
from pb.allocation import (
    RULE_NAMES,
    Constraints,
    PabulibError,
    TooLarge,
    allocate,
    parse_pb,
    rules_for_vote_type,
)
from pb.errors import DomainError, NotAllowed
from pb.extensions import db
from pb.models import Round, User
from pb.policy import can_explore_rules, can_manage_round

TIE_BREAKS = ("id", "cost", "votes")
# Lazy: read in the officer's language on the form; a job stores them in English (str()).
SETTINGS = {"none": _l("No constraints"), "min1": _l("Only projects someone voted for"),
            "round": _l("The round's own constraints")}
MAX_RUNS = 60


class ExplorerError(DomainError):
    """An exploration that cannot start; ``message`` says why (naming the line of a bad file)."""


def check_upload(data: bytes, max_bytes: int) -> str:
    """The text of an uploaded .pb file, or a refusal that names the problem and its line."""
    if not data:
        raise ExplorerError(_("The file is empty. Choose a .pb file."), field="upload")
    if len(data) > max_bytes:
        raise ExplorerError(_("The file is %(size)s MB; the limit is %(limit)s MB.",
                              size=f"{len(data) / 1e6:.1f}", limit=f"{max_bytes / 1e6:.0f}"),
                            field="upload")
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = data[:exc.start].count(b"\n") + 1
        raise ExplorerError(_("Line %(line)s: the file is not UTF-8 text (byte %(byte)s).",
                              line=line, byte=exc.start + 1), field="upload") from exc
    if "\x00" in text:
        line = text[:text.index("\x00")].count("\n") + 1
        raise ExplorerError(_("Line %(line)s: the file contains a NUL character; it is not a "
                              ".pb text file.", line=line), field="upload")
    try:
        parse_pb(text)
    except PabulibError as exc:
        raise ExplorerError(_("This is not a pabulib file pb can read: %(problem)s.",
                              problem=exc), field="upload") from exc
    except (ValueError, ArithmeticError) as exc:  # the parser's own checks, worded
        raise ExplorerError(_("This is not a pabulib file pb can read: %(problem)s.",
                              problem=exc), field="upload") from exc
    return text


def start(actor: User, *, round_: Round | None = None, upload: bytes | None = None,
          rules=(), tie_breaks=("id",), settings=("min1",)) -> str:
    """Check the request, save an upload, and enqueue the job; returns the job id."""
    if not can_explore_rules(actor) or (round_ is not None and not can_manage_round(actor, round_)):
        raise NotAllowed(_("Only partnership officers can explore rules."))
    params: dict = {"tie_breaks": [t for t in tie_breaks if t in TIE_BREAKS] or ["id"],
                    "settings": [s for s in settings if s in SETTINGS] or ["min1"]}
    if round_ is not None:
        if round_.status not in ("closed", "results"):
            raise ExplorerError(_("Choose a round whose voting has closed."), field="round_id")
        params["round_id"] = round_.id
    elif upload is not None:
        text = check_upload(upload, current_app.config["UPLOAD_MAX_BYTES"])
        folder = Path(current_app.instance_path) / "explorer"
        folder.mkdir(parents=True, exist_ok=True)
        path = folder / f"{uuid.uuid4().hex}.pb"
        path.write_text(text, encoding="utf-8")
        params["file"] = path.name
        params["settings"] = [s for s in params["settings"] if s != "round"] or ["min1"]
    else:
        raise ExplorerError(_("Choose a past round or upload a .pb file."), field="round_id")
    params["rules"] = list(dict.fromkeys(r for r in rules if r in RULE_NAMES))
    if not params["rules"]:
        raise ExplorerError(_("Choose at least one rule."), field="rules")
    runs = len(params["rules"]) * len(params["tie_breaks"]) * len(params["settings"])
    if runs > MAX_RUNS:
        raise ExplorerError(_("That is %(runs)s counts; choose at most %(most)s.", runs=runs,
                              most=MAX_RUNS), field="rules")
    job = jobs.enqueue("explore-rules", params, actor=actor)
    db.session.commit()
    return job.id


def _load(params: dict):
    if "round_id" in params:
        from pb.results.services import constraints_for, instance_from_round, profile_from_ballots

        round_ = db.session.get(Round, params["round_id"])
        instance = instance_from_round(round_)
        profile = profile_from_ballots(round_, instance)
        return instance, profile, constraints_for(round_, profile.num_voters), round_.name
    path = Path(current_app.instance_path) / "explorer" / Path(params["file"]).name
    instance, profile = parse_pb(path.read_text(encoding="utf-8"))
    return instance, profile, None, dict(instance.meta).get("description", "Uploaded file")


def _constraints(setting: str, own: Constraints | None) -> Constraints:
    if setting == "none":
        return Constraints()
    if setting == "round" and own is not None:
        return own
    return Constraints(min_votes=1)


@jobs.task("explore-rules", title="Comparing allocation rules",
           result_endpoint="results.explorer_result")
def explore(ctx, *, rules, tie_breaks, settings, round_id=None, file=None) -> dict:
    """Run every (rule, tie-break, setting) on the same ballots; the rows and projects."""
    instance, profile, own, name = _load({"round_id": round_id} if round_id else {"file": file})
    suited = set(rules_for_vote_type(profile.kind))
    combos = [(r, t, s) for r in rules for t in tie_breaks for s in settings]
    rows = []
    for done, (rule, tie_break, setting) in enumerate(combos):
        ctx.progress(done, len(combos), f"Counting with {RULE_NAMES[rule]} ({done + 1} of "
                                        f"{len(combos)})")
        row = {"rule": rule, "name": RULE_NAMES[rule], "tie_break": tie_break,
               "setting": setting, "setting_label": str(SETTINGS[setting])}
        if rule not in suited:
            row["problem"] = f"Does not suit {profile.kind} ballots."
        else:
            try:
                outcome = allocate(instance, profile, rule, tie_break, _constraints(setting, own))
            except TooLarge:
                row["problem"] = "Too large for this rule's exact search."
            else:
                row.update(selected=list(outcome.selected), spent=int(outcome.spent),
                           metrics={k: outcome.metrics[k] for k in (
                               "voters_with_funded_project", "share_of_budget_spent",
                               "avg_share_of_approved_spending_funded")})
        rows.append(row)
    ctx.progress(len(combos), len(combos), "Done")
    return {"name": name, "budget": int(instance.budget), "voters": profile.num_voters,
            "currency": instance.currency, "minor_units": instance.minor_units,
            "projects": [{"id": p.id, "name": p.name, "cost": int(p.cost)} for p in instance.projects],
            "rows": rows}


def differences(result: dict) -> list[dict]:
    """Projects funded under some settings and not others, each row's verdicts, and whether
    each verdict differs from the first row's (to highlight)."""
    rows = [r for r in result["rows"] if "selected" in r]
    if not rows:
        return []
    chosen = [set(r["selected"]) for r in rows]
    out = []
    for p in result["projects"]:
        verdicts = [p["id"] in c for c in chosen]
        if len(set(verdicts)) > 1:
            out.append({**p, "verdicts": [(v, v != verdicts[0]) for v in verdicts]})
    return out
