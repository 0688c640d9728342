"""The audit log as people read it: names, roles, plain-English actions, before/after diffs.

``AuditFilters`` parses the page's GET form; ``filtered_query`` turns it into one query
(round, person, action type, date range; sign-ins hidden unless asked for);
``describe`` reads a page (or a streamed batch) of entries with a fixed number of
queries, whatever its size.
"""

from __future__ import annotations

import json
from collections import defaultdict
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from sqlalchemy import String, and_, cast, or_, select

from pb.extensions import db
from pb.models import AuditEntry, Proposal, Role, RoleAssignment, Round, User
from pb.models.event import Event
from pb.models.grant import Grant
from pb.models.programme import Programme
from pb.models.result import RoundResult

# Signing in and out: most of the log, rarely what scrutiny asks about.
SIGN_IN_ACTIONS = ("account.login", "account.login_failed", "account.signed_out",
                   "account.signed_out_everywhere", "account.unlock_requested")
STAFF_ROLES = {Role.ADMIN, Role.OFFICER, Role.EVENT_STAFF, Role.SCRUTINY, Role.GRANT_OFFICER}

# What each action says, of its object's name ({subject}).
PHRASES = {
    "result.certified": "Certified the result of {subject}",
    "result.tallied": "Counted the ballots of {subject}",
    "result.overridden": "Changed the computed result of {subject}",
    "round.created": "Created the round {subject}",
    "round.updated": "Changed the settings of {subject}",
    "round.phase_changed": "Changed the dates of {subject}",
    "proposal.created": "Started the proposal {subject}",
    "proposal.submitted": "Submitted the proposal {subject}",
    "proposal.edited": "Edited the proposal {subject}",
    "proposal.reviewed": "Reviewed the proposal {subject}",
    "proposal.merged": "Merged the proposal {subject}",
    "proposal.withdrawn": "Withdrew the proposal {subject}",
    "proposal.supported": "Supported the proposal {subject}",
    "proposal.unsupported": "Withdrew support for the proposal {subject}",
    "proposal.file_removed": "Removed a file from the proposal {subject}",
    "ballot.cast": "Voted in {subject}",
    "ballot.changed": "Changed their ballot in {subject}",
    "voting_codes.generated": "Generated voting codes for {subject}",
    "voting_code.rejected": "Rejected a voting code for {subject}",
    "account.login": "Signed in",
    "account.login_failed": "Failed to sign in",
    "account.signed_out": "Signed out",
    "account.signed_out_everywhere": "Signed out on every device",
    "account.registered": "Registered an account",
    "role.assigned": "Gave a role to {subject}",
    "role.revoked": "Took a role away from {subject}",
    "grants.created": "Created draft grants for {subject}",
    "grant.tranche_released": "Released a payment of the grant {subject}",
    "grant.closed": "Closed the grant {subject}",
    "grant.withdrawn": "Withdrew the grant {subject}",
    "grant.rag_overridden": "Overrode the RAG rating of the grant {subject}",
    "grant.interest_declared": "Declared an interest in the grant {subject}",
    "grant.agreement_issued": "Issued the agreement for the grant {subject}",
    "grant.agreement_accepted": "Accepted the agreement for the grant {subject}",
    "event.created": "Created the decision day {subject}",
    "event.result_revealed": "Revealed the result at {subject}",
    "programme.created": "Created the programme {subject}",
}
# Action types for the filter: the prefix of the action code, in words.
ACTION_TYPES = (("result", "Results"), ("round", "Rounds"), ("proposal", "Proposals"),
                ("ballot", "Ballots"), ("grant", "Grants"), ("event", "Decision days"),
                ("paper", "Paper ballots"), ("role", "Roles"), ("account", "Accounts"),
                ("programme", "Programmes"))


@dataclass
class AuditFilters:
    round_id: int | None = None
    person_id: int | None = None
    action: str = ""
    date_from: date | None = None
    date_to: date | None = None
    sign_ins: bool = False

    @classmethod
    def from_args(cls, args) -> AuditFilters:
        return cls(round_id=_int(args.get("round")), person_id=_int(args.get("person")),
                   action=(args.get("action") or "").strip()[:80],
                   date_from=_date(args.get("from")), date_to=_date(args.get("to")),
                   sign_ins=args.get("sign_ins") in ("1", "on", "yes"))

    def as_args(self) -> dict:
        """The filters as query-string arguments (for links to other pages and the CSV)."""
        args = {"round": self.round_id, "person": self.person_id, "action": self.action,
                "from": self.date_from and self.date_from.isoformat(),
                "to": self.date_to and self.date_to.isoformat(),
                "sign_ins": "1" if self.sign_ins else None}
        return {k: v for k, v in args.items() if v}


def _int(raw) -> int | None:
    raw = (raw or "").strip()
    return int(raw) if raw.isascii() and raw.isdigit() and len(raw) < 10 else None


def _date(raw) -> date | None:
    try:
        return date.fromisoformat((raw or "").strip())
    except ValueError:
        return None


def filtered_query(filters: AuditFilters):
    """Entries matching the filters, newest first."""
    query = select(AuditEntry).order_by(AuditEntry.id.desc())
    if filters.action:
        query = query.where(or_(AuditEntry.action == filters.action,
                                AuditEntry.action.startswith(filters.action + ".")))
    if not filters.sign_ins and not filters.action.startswith("account.") and \
            filters.action != "account":
        query = query.where(AuditEntry.action.not_in(SIGN_IN_ACTIONS))
    if filters.person_id:
        query = query.where(AuditEntry.actor_id == filters.person_id)
    if filters.date_from:
        query = query.where(AuditEntry.created_at >= datetime.combine(filters.date_from, time()))
    if filters.date_to:
        query = query.where(AuditEntry.created_at < datetime.combine(
            filters.date_to + timedelta(days=1), time()))
    if filters.round_id:
        query = query.where(round_condition(filters.round_id))
    return query


def round_condition(round_id: int):
    """Entries about the round itself or about its results, proposals, grants and events."""
    def of(type_name: str, model, column):
        ids = select(cast(model.id, String)).where(column == round_id)
        return and_(AuditEntry.object_type == type_name, AuditEntry.object_id.in_(ids))

    return or_(and_(AuditEntry.object_type == "Round", AuditEntry.object_id == str(round_id)),
               of("RoundResult", RoundResult, RoundResult.round_id),
               of("Proposal", Proposal, Proposal.round_id),
               of("Grant", Grant, Grant.round_id),
               of("Event", Event, Event.round_id))


def filter_choices() -> dict:
    """The round, person and action choices for the filter form (three queries)."""
    rounds = db.session.execute(select(Round.id, Round.name).order_by(Round.name)).all()
    staff = db.session.execute(
        select(User.id, User.display_name)
        .join(RoleAssignment, RoleAssignment.user_id == User.id)
        .where(RoleAssignment.role.in_(list(STAFF_ROLES)))
        .distinct().order_by(User.display_name)).all()
    actions = db.session.scalars(select(AuditEntry.action).distinct()
                                 .order_by(AuditEntry.action)).all()
    return {"rounds": rounds, "people": staff, "types": ACTION_TYPES, "actions": actions}


# Reading entries ---------------------------------------------------------------------

@dataclass
class ReadableEntry:
    entry: AuditEntry
    person: str
    roles: str
    email: str
    sentence: str
    diff: list[tuple[str, str, str, bool]]  # field, before, after, changed
    # About a proposal still in draft, shown to someone who may not read drafts: neither
    # its title nor its before/after are given (pb.policy.can_view_proposal).
    private: bool = False


def describe(entries: list[AuditEntry], *, show_residents: bool) -> list[ReadableEntry]:
    """Each entry in words. Residents are named only when ``show_residents``
    (administrators); scrutiny sees staff by name and residents as "A resident"."""
    people = _people({e.actor_id for e in entries if e.actor_id})
    names = _object_names(entries)
    drafts = set() if show_residents else _draft_proposals(entries)
    rows = []
    for entry in entries:
        name, roles, is_staff = people.get(entry.actor_id, ("", [], False))
        if entry.actor_id is None:
            person, roles = "The system", []
            if entry.actor_label != "system":
                person = "A visitor (not signed in)"
        elif is_staff or show_residents:
            person = name
        else:
            person = "A resident"
        private = (entry.object_type, entry.object_id) in drafts
        subject = ("a draft proposal" if private else
                   names.get((entry.object_type, entry.object_id)) or _fallback(entry))
        rows.append(ReadableEntry(entry, person, ", ".join(roles),
                                  entry.actor_label if show_residents else "",
                                  sentence(entry.action, subject),
                                  [] if private else diff(entry), private))
    return rows


def _draft_proposals(entries: list[AuditEntry]) -> set[tuple[str, str]]:
    """The entries' proposals that are still drafts: only their proposer and the round's
    officers may read a draft, so scrutiny's log names none of them."""
    ids = {int(e.object_id) for e in entries
           if e.object_type == "Proposal" and e.object_id and e.object_id.isdigit()}
    if not ids:
        return set()
    return {("Proposal", str(id_)) for id_ in db.session.scalars(
        select(Proposal.id).where(Proposal.id.in_(ids), Proposal.status == "draft"))}


def sentence(action: str, subject: str) -> str:
    phrase = PHRASES.get(action)
    if phrase is None:
        kind, _, verb = action.partition(".")
        phrase = f"{kind.capitalize()}: {verb.replace('_', ' ') or 'recorded'} ({{subject}})"
    return phrase.format(subject=subject)


def _fallback(entry: AuditEntry) -> str:
    if entry.object_id:
        return f"{entry.object_type} {entry.object_id}"
    return entry.object_type


def _people(ids: set[int]) -> dict[int, tuple[str, list[str], bool]]:
    if not ids:
        return {}
    rows = db.session.execute(
        select(User.id, User.display_name, RoleAssignment.role)
        .join(RoleAssignment, RoleAssignment.user_id == User.id, isouter=True)
        .where(User.id.in_(ids))).all()
    people: dict[int, tuple[str, list[str], bool]] = {}
    roles: dict[int, set[Role]] = defaultdict(set)
    for user_id, name, role in rows:
        people[user_id] = (name, [], False)
        if role is not None:
            roles[user_id].add(Role(role))
    for user_id, (name, _labels, _staff) in people.items():
        held = sorted(roles[user_id], key=lambda r: list(Role).index(r))
        people[user_id] = (name, [r.label for r in held], bool(set(held) & STAFF_ROLES))
    return people


def _object_names(entries: list[AuditEntry]) -> dict[tuple[str, str], str]:
    wanted: dict[str, set[int]] = defaultdict(set)
    for entry in entries:
        if entry.object_id and entry.object_id.isdigit():
            wanted[entry.object_type].add(int(entry.object_id))
    names: dict[tuple[str, str], str] = {}
    simple = {"Round": (Round, Round.name), "Proposal": (Proposal, Proposal.title),
              "Grant": (Grant, Grant.title), "Event": (Event, Event.name),
              "Programme": (Programme, Programme.name), "User": (User, User.display_name)}
    for type_name, (model, column) in simple.items():
        if wanted.get(type_name):
            for id_, name in db.session.execute(
                    select(model.id, column).where(model.id.in_(wanted[type_name]))):
                names[(type_name, str(id_))] = name
    if wanted.get("RoundResult"):
        for id_, name in db.session.execute(
                select(RoundResult.id, Round.name).join(Round, Round.id == RoundResult.round_id)
                .where(RoundResult.id.in_(wanted["RoundResult"]))):
            names[("RoundResult", str(id_))] = name
    if wanted.get("RoleAssignment"):
        for id_, name in db.session.execute(
                select(RoleAssignment.id, User.display_name)
                .join(User, User.id == RoleAssignment.user_id)
                .where(RoleAssignment.id.in_(wanted["RoleAssignment"]))):
            names[("RoleAssignment", str(id_))] = name
    return names


def diff(entry: AuditEntry) -> list[tuple[str, str, str, bool]]:
    """Before and after, field by field, as text (a table on the page)."""
    before, after = _as_dict(entry.before_json), _as_dict(entry.after_json)
    fields = list(dict.fromkeys([*before, *after]))
    return [(field.replace("_", " "), _text(before.get(field)), _text(after.get(field)),
             before.get(field) != after.get(field)) for field in fields]


def _as_dict(raw: str | None) -> dict:
    if not raw:
        return {}
    try:
        value = json.loads(raw)
    except ValueError:
        return {"value": raw}
    return value if isinstance(value, dict) else {"value": value}


def _text(value) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, (list, dict)):
        return json.dumps(value, ensure_ascii=False)
    return str(value)



CSV_HEADER = ["entry", "when_utc", "person", "roles", "action", "description", "object_type",
              "object_id", "before", "after", "entry_hash", "previous_hash"]


def csv_rows(filters: AuditFilters, *, show_residents: bool, hide=lambda text: text):
    """Every matching entry as a CSV row, read in batches (``hide`` masks emails)."""
    query = filtered_query(filters).execution_options(yield_per=500)
    with db.session.scalars(query) as result:
        for batch in result.partitions(500):
            for row in describe(list(batch), show_residents=show_residents):
                entry = row.entry
                yield [entry.id, entry.created_at.isoformat(timespec="seconds") + "Z",
                       row.person, row.roles, entry.action, row.sentence, entry.object_type,
                       entry.object_id, "" if row.private else hide(entry.before_json),
                       "" if row.private else hide(entry.after_json),
                       entry.entry_hash, entry.prev_hash]
