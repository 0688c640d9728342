"""Links to a round's pages, contributed by each feature's blueprint.

A round page shows the public links that apply now (browse proposals, vote,
results...), and the staff dashboard shows the tasks a person may do. Each
feature registers a function ``(round, user) -> [(label, url), ...]`` at import.
"""

from __future__ import annotations

from flask import url_for
from flask_login import current_user

from pb.policy import can_manage_round

PUBLIC: list = []
STAFF: list = []


def public(fn):
    PUBLIC.append(fn)
    return fn


def staff(fn):
    STAFF.append(fn)
    return fn


def round_links(round_) -> list[tuple[str, str]]:
    """(label, url) in the blueprints' order, except that the phase's main action (a link
    yielded as (label, url, True), such as "Vote now" while voting is open) comes first,
    so the round page shows it as the primary button."""
    links = [link for fn in PUBLIC for link in fn(round_, current_user)]
    links.sort(key=lambda link: not (len(link) > 2 and link[2]))  # stable: order kept
    return [(link[0], link[1]) for link in links]


def staff_links(round_) -> list[tuple[str, str]]:
    return [link for fn in STAFF for link in fn(round_, current_user)]


@staff
def _setup(round_, user):
    if can_manage_round(user, round_):
        yield ("Edit set-up", url_for("admin.round_form", round_id=round_.id))
