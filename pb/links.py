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
    return [link for fn in PUBLIC for link in fn(round_, current_user)]


def staff_links(round_) -> list[tuple[str, str]]:
    return [link for fn in STAFF for link in fn(round_, current_user)]


@staff
def _setup(round_, user):
    if can_manage_round(user, round_):
        yield ("Edit set-up", url_for("admin.round_form", round_id=round_.id))
