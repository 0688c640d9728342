"""Read and write the pabulib ``.pb`` format (see pabulib.org).

A file has three sections (META, PROJECTS, VOTES), each a ``;``-separated CSV
table with a header.  The reader is strict: anything it cannot interpret is
refused with a :class:`PabulibError` naming the line, because a silently
misread ballot would change a real outcome.  Identical ballots are merged while
reading, so memory and later work scale with distinct ballots, not voters.
"""
from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Iterator
from fractions import Fraction

from .model import Ballot, Instance, Money, Profile, Project, exact

VOTE_TYPES = {"approval": "approval", "choose-1": "approval", "cumulative": "cumulative",
              "scoring": "scores", "ordinal": "ordinal"}
_KIND_TO_VOTE_TYPE = {"approval": "approval", "cumulative": "cumulative", "scores": "scoring", "ordinal": "ordinal"}
# META keys the writer derives from the data, so they are not kept in Instance.meta.
_DERIVED_META = {"budget", "vote_type", "num_projects", "num_votes", "currency", "minor_units"}
_SECTIONS = ("meta", "projects", "votes")


class PabulibError(ValueError):
    """A malformed .pb file; ``line`` is the 1-based line number (or None)."""

    def __init__(self, message: str, line: int | None = None):
        self.line = line
        super().__init__(f"line {line}: {message}" if line else message)


def parse_number(text: str, what: str, line: int | None) -> Money:
    """Parse "1234", "1234.5" or "1234,5" exactly."""
    raw = text.strip().replace(",", ".")
    try:
        return exact(Fraction(raw))
    except (ValueError, ZeroDivisionError):
        raise PabulibError(f"{what} {text!r} is not a number", line) from None


def read_pb(path) -> tuple[Instance, Profile]:
    """Read a .pb file from disk (UTF-8, byte-order mark allowed)."""
    with open(path, encoding="utf-8-sig", newline="") as fh:
        try:
            text = fh.read()
        except UnicodeDecodeError as exc:
            raise PabulibError(f"the file is not UTF-8 text ({exc.reason} at byte {exc.start})") from None
    return parse_pb(text)


class _Reader:
    """The state of one pass over a .pb file: the section being read and what it held."""

    def __init__(self):
        self.section = None
        self.header = None
        self.meta: dict[str, str] = {}
        self.meta_lines: dict[str, int] = {}
        self.project_rows: list[tuple[int, dict]] = []
        self.raw_votes: dict = {}
        self.first_line: dict = {}
        self.seen = set()
        self.vote_col = self.points_col = None
        self.width = -1  # fields per VOTES row, once its header is read

    def read(self, reader) -> None:
        raw_votes, first_line = self.raw_votes, self.first_line
        for row in reader:
            if len(row) == self.width and self.section == "votes":
                # The hot path (one row per voter): count the raw ballot text only;
                # it is split, checked and normalised once per distinct ballot.
                key = (row[self.vote_col], row[self.points_col] if self.points_col is not None else None)
                count = raw_votes.get(key)
                if count is None:
                    raw_votes[key] = 1
                    first_line[key] = reader.line_num
                else:
                    raw_votes[key] = count + 1
                continue
            self.other_row(row, reader.line_num)

    def other_row(self, row: list, line: int) -> None:
        """A blank line, a section name, a header, or a META or PROJECTS row."""
        if not row or (len(row) == 1 and not row[0].strip()):
            return
        if len(row) == 1 and row[0].strip().lower() in _SECTIONS:
            self.start_section(row[0].strip().lower(), line)
        elif self.section is None:
            raise PabulibError(f"expected META, PROJECTS or VOTES before data, found {';'.join(row)!r}", line)
        elif self.header is None:
            self.read_header(row, line)
        elif len(row) != len(self.header):
            raise PabulibError(
                f"expected {len(self.header)} fields ({';'.join(self.header)}), found {len(row)}", line)
        elif self.section == "meta":
            self.meta[row[0].strip()] = row[1].strip()
            self.meta_lines[row[0].strip()] = line
        elif self.section == "projects":
            self.project_rows.append((line, dict(zip(self.header, row))))
        else:  # pragma: no cover - VOTES rows of the right width take the hot path
            raise AssertionError(self.section)

    def start_section(self, section: str, line: int) -> None:
        if section in self.seen:
            raise PabulibError(f"section {section.upper()} appears twice", line)
        self.seen.add(section)
        self.section, self.header = section, None

    def read_header(self, row: list, line: int) -> None:
        header = self.header = [h.strip() for h in row]
        if self.section == "projects" and header[:2] != ["project_id", "cost"]:
            raise PabulibError("the PROJECTS header must start with project_id;cost", line)
        if self.section == "votes":
            if header[:1] != ["voter_id"] or "vote" not in header:
                raise PabulibError("the VOTES header must start with voter_id and have a vote column", line)
            self.vote_col = header.index("vote")
            self.points_col = header.index("points") if "points" in header else None
            self.width = len(header)


def parse_pb(text: str) -> tuple[Instance, Profile]:
    """Parse the text of a .pb file into ``(Instance, Profile)``."""
    if text.startswith("\ufeff"):
        text = text[1:]
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=";")
    state = _Reader()
    try:
        state.read(reader)
    except csv.Error as exc:
        raise PabulibError(f"unreadable CSV ({exc})", reader.line_num) from None
    for name in _SECTIONS:
        if name not in state.seen:
            raise PabulibError(f"the {name.upper()} section is missing")
    instance = _build_instance(state.meta, state.meta_lines, state.project_rows)
    profile = _build_profile(state.meta, instance, state.raw_votes, state.first_line,
                             state.points_col is not None)
    return instance, profile


def _none(value: str | None):
    return None if value is None or value.strip().lower() in ("", "none") else value.strip()


def _build_instance(meta: dict, meta_lines: dict, project_rows) -> Instance:
    for key in ("budget", "vote_type"):
        if key not in meta:
            raise PabulibError(f"META has no {key}")
    if meta["vote_type"] not in VOTE_TYPES:
        raise PabulibError(f"unknown vote_type {meta['vote_type']!r} (expected one of {', '.join(VOTE_TYPES)})",
                           meta_lines["vote_type"])
    budget = parse_number(meta["budget"], "budget", meta_lines["budget"])
    if budget < 0:
        raise PabulibError("the budget is negative", meta_lines["budget"])
    projects = []
    seen = set()
    for line, row in project_rows:
        pid = row["project_id"].strip()
        if not pid:
            raise PabulibError("empty project_id", line)
        if pid in seen:
            raise PabulibError(f"project {pid} is listed twice", line)
        seen.add(pid)
        if _none(row["cost"]) is None:
            raise PabulibError(f"project {pid} has no cost", line)
        cost = parse_number(row["cost"], f"cost of project {pid}", line)
        if cost < 0:
            raise PabulibError(f"project {pid} has a negative cost", line)
        ward = _none(row.get("district"))
        cats = _none(row.get("category"))
        extra = tuple((k, v) for k, v in row.items()
                      if k not in ("project_id", "cost", "name", "district", "category"))
        projects.append(Project(pid, cost, _none(row.get("name")) or "", ward,
                                tuple(c.strip() for c in cats.split(",")) if cats else (), extra))
    if "num_projects" in meta and meta["num_projects"].strip().isdigit() and int(meta["num_projects"]) != len(projects):
        raise PabulibError(f"META says num_projects is {meta['num_projects']} but PROJECTS lists {len(projects)}",
                           meta_lines["num_projects"])
    currency = meta.get("currency", "")
    minor = meta.get("minor_units", "1")
    if not minor.isdigit() or int(minor) < 1:
        raise PabulibError(f"minor_units must be a positive whole number, not {minor!r}", meta_lines["minor_units"])
    kept = tuple((k, v) for k, v in meta.items() if k not in _DERIVED_META)
    # choose-1 is the one vote type the ballot kind cannot tell apart, so remember it.
    if meta["vote_type"] == "choose-1":
        kept += (("vote_type", "choose-1"),)
    return Instance(tuple(projects), budget, currency=currency, minor_units=int(minor), meta=kept)


def _build_profile(meta, instance: Instance, raw_votes: dict, first_line: dict, has_points: bool) -> Profile:
    vote_type = meta["vote_type"]
    kind = VOTE_TYPES[vote_type]
    if kind in ("cumulative", "scores") and not has_points:
        raise PabulibError(f"a {vote_type} file needs a points column in VOTES")
    merged: dict = {}
    known = instance._by_id
    known_ids = set(known)
    for (vote, points), count in raw_votes.items():
        line = first_line[(vote, points)]
        ids = vote.split(",") if _none(vote) else []
        if not known_ids.issuperset(ids):
            ids = [v.strip() for v in ids]
            for pid in ids:
                if pid not in known:
                    raise PabulibError(f"the vote names project {pid!r}, which is not in PROJECTS", line)
        if len(set(ids)) != len(ids):
            raise PabulibError("the vote lists the same project twice", line)
        if vote_type == "choose-1" and len(ids) > 1:
            raise PabulibError("a choose-1 vote lists more than one project", line)
        if kind in ("cumulative", "scores"):
            pts = [parse_number(x, "points", line) for x in points.split(",")] if _none(points) else []
            if len(pts) != len(ids):
                raise PabulibError(f"the vote lists {len(ids)} projects but {len(pts)} points", line)
            if any(x < 0 for x in pts):
                raise PabulibError("points cannot be negative", line)
            pairs = sorted(zip(ids, pts))
            key = (tuple(p for p, _ in pairs), tuple(x for _, x in pairs))
        else:
            # The same normal form as Profile.from_ballots, built directly because
            # this loop runs once per distinct ballot of files with 60,000 voters.
            key = (tuple(ids) if kind == "ordinal" else tuple(sorted(ids)), None)
        merged[key] = merged.get(key, 0) + count
    # Keys are unique, so the sort never compares the points part of two equal id tuples.
    ballots = [Ballot(p, x, n) for (p, x), n in sorted(merged.items())]
    return Profile(kind, tuple(ballots))


def _fmt(value) -> str:
    value = exact(value)
    if isinstance(value, int):
        return str(value)
    # Exact decimals are written as decimals; anything else as a/b (still exact).
    den = value.denominator
    while den % 2 == 0:
        den //= 2
    while den % 5 == 0:
        den //= 5
    if den != 1:
        return f"{value.numerator}/{value.denominator}"
    digits = 0
    while (value * 10 ** digits).denominator != 1:
        digits += 1
    scaled = value * 10 ** digits
    sign = "-" if scaled < 0 else ""
    s = str(abs(scaled.numerator)).rjust(digits + 1, "0")
    return f"{sign}{s[:-digits]}.{s[-digits:]}"


def write_pb(instance: Instance, profile: Profile) -> str:
    """Render ``(instance, profile)`` as .pb text; voters get ids 1..n.

    ``parse_pb(write_pb(i, p)) == (i, p)`` for instances read by this module.
    """
    return "".join(iter_pb(instance, profile.kind, profile.num_voters, profile.ballots))


def iter_pb(instance: Instance, kind: str, num_voters: int, ballots: Iterable[Ballot],
            piece: int = 64 * 1024) -> Iterator[str]:
    """The text of :func:`write_pb` in pieces of about ``piece`` characters.

    ``ballots`` must be distinct and in the profile's order (as ``Profile.from_ballots``
    sorts them); they are read once, so they can come from a stream that never holds
    every ballot at once (a download of 100,000 ballots in constant memory).
    """
    out = io.StringIO()
    w = csv.writer(out, delimiter=";", lineterminator="\n")
    vote_type = instance.meta_value("vote_type") or _KIND_TO_VOTE_TYPE[kind]
    if VOTE_TYPES.get(vote_type) != kind:
        vote_type = _KIND_TO_VOTE_TYPE[kind]
    w.writerow(["META"])
    w.writerow(["key", "value"])
    w.writerow(["budget", _fmt(instance.budget)])
    w.writerow(["vote_type", vote_type])
    w.writerow(["num_projects", len(instance.projects)])
    w.writerow(["num_votes", num_voters])
    if instance.currency:
        w.writerow(["currency", instance.currency])
    if instance.minor_units != 1:
        w.writerow(["minor_units", instance.minor_units])
    for k, v in instance.meta:
        if k not in _DERIVED_META:
            w.writerow([k, v])
    extra_cols = []
    for p in instance.projects:
        for k, _ in p.extra:
            if k not in extra_cols:
                extra_cols.append(k)
    cols = ["project_id", "cost", "name", "category", "district"] + extra_cols
    w.writerow(["PROJECTS"])
    w.writerow(cols)
    for p in instance.projects:
        extra = dict(p.extra)
        w.writerow([p.id, _fmt(p.cost), p.name or "none", ",".join(p.categories) or "none",
                    p.ward or "none"] + [extra.get(k, "none") for k in extra_cols])
    w.writerow(["VOTES"])
    has_points = kind in ("cumulative", "scores")
    w.writerow(["voter_id", "vote", "points"] if has_points else ["voter_id", "vote"])
    voter = 0
    for b in ballots:
        row = [",".join(b.projects)] + ([",".join(_fmt(x) for x in b.points)] if has_points else [])
        for _ in range(b.count):
            voter += 1
            w.writerow([str(voter)] + row)
            if out.tell() >= piece:  # checked per voter: one ballot may have 100,000
                yield out.getvalue()
                out.seek(0)
                out.truncate()
    yield out.getvalue()
