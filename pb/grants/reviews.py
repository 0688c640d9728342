"""An officer's review of a submitted return: section by section.

Each section (progress, KPIs, spend, outcomes, case study and photos, people helped) is
accepted or sent back with a comment. If every section is accepted the return is
accepted (and any payment waiting on it becomes due); otherwise it goes back to the
grantee with the comments, to correct and resubmit by a date.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import timedelta

from flask_babel import gettext as _

from pb import audit
from pb.extensions import db
from pb.grants.common import (
    GrantError,
    check_version,
    commit,
    refuse_if_closed,
    require,
    today,
    touch,
    use_case,
)
from pb.grants.returns import RESUBMIT_DAYS
from pb.models import SectionReview
from pb.models.base import utcnow
from pb.models.monitoring import SECTIONS
from pb.policy import can_decide_on_grant, can_manage_grant


def parse(form: Mapping) -> tuple[dict[str, tuple[str, str]], list[str]]:
    """({section: (decision, comment)}, outcome codes to verify) from the review form."""
    decisions = {}
    for section in SECTIONS:
        decisions[section] = ((form.get(f"decision-{section}") or "").strip(),
                              (form.get(f"comment-{section}") or "").strip()[:3000])
    verify = [name[len("verify-"):] for name in form if name.startswith("verify-")]
    return decisions, verify


@use_case
def review(grant, ret, actor, form: Mapping):
    """Accept the return, or send it back with comments on the sections to change."""
    require(can_manage_grant(actor, grant), _("Only the grant's grant officers review returns."))
    require(can_decide_on_grant(actor, grant),
            _("You declared an interest in this grant, so another grant officer must review it."))
    refuse_if_closed(grant)
    # Two officers reviewing at once: the second waits here for the first to commit, then
    # sees its decision (a 409 below) instead of both writing and deadlocking on PostgreSQL.
    db.session.refresh(ret, with_for_update=True)
    check_version(ret, form.get("version"))
    if ret.status != "submitted":
        raise GrantError(_("This return is not waiting for review (someone may have reviewed "
                         "it already)."), status=409)
    decisions, verify = parse(form)
    errors = {}
    for section, (decision, comment) in decisions.items():
        if decision not in ("accepted", "changes"):
            errors[f"decision-{section}"] = _("Accept “%(section)s” or send it "
                                              "back.", section=SECTIONS[section])
        elif decision == "changes" and len(comment) < 10:
            errors[f"comment-{section}"] = (_("Say what needs changing in "
                                              "“%(section)s”.", section=SECTIONS[section]))
    if errors:
        raise GrantError(_("Decide on every section: see the messages below."),
                         field_errors=errors)
    now = utcnow()
    for section, (decision, comment) in decisions.items():
        ret.reviews.append(SectionReview(cycle=ret.review_cycle, section=section,
                                         decision=decision, comment=comment,
                                         reviewer_id=actor.id, reviewed_at=now))
    accepted = all(decision == "accepted" for decision, _ in decisions.values())
    ret.reviewed_at = now
    ret.reviewed_by_id = actor.id
    if accepted:
        ret.status = "accepted"
        ret.resubmit_by = None
        for outcome in ret.outcomes:
            if outcome.code in verify and outcome.status == "evidenced":
                outcome.status = "verified"
                outcome.verified_by_id = actor.id
                outcome.verified_at = now
    else:
        ret.status = "sent_back"
        ret.resubmit_by = today() + timedelta(days=RESUBMIT_DAYS)
    touch(grant)
    audit.record("grant.return_accepted" if accepted else "grant.return_sent_back", ret,
                 actor=actor, after={
                     "grant_id": grant.id, "number": ret.number, "cycle": ret.review_cycle,
                     "sections": {s: d for s, (d, _) in decisions.items()},
                     "verified": [o.code for o in ret.outcomes if o.status == "verified"]})
    commit()
    if not accepted:
        _tell_grantee(grant, ret, decisions)
    return ret


def _tell_grantee(grant, ret, decisions) -> None:
    from pb.grants.notify import grantees_of, send

    lines = [f"- {SECTIONS[s]}: {c}" for s, (d, c) in decisions.items() if d == "changes"]
    send(grantees_of(grant), f"Please change your return: {grant.title}",
         f"Your grant officer has sent {ret.in_sentence} for {grant.title} back for "
         f"changes:\n\n" + "\n".join(lines) +
         f"\n\nPlease correct it and submit it again by {ret.resubmit_by:%-d %B %Y}.")
