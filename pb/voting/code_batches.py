"""Making voting codes: a batch at a time, shown on a printable sheet, never made twice.

The officer's form carries a submission key. The batch's codes derive from the
server's key and that form key (``codes.sheet_code``), and the form key stays in the
officer's session while the sheet may be shown again, so the sheet is a page of its
own (post/redirect/get) that can be refreshed and printed. Sending the form again (a
refresh, a double click) finds the batch the key already made instead of making
another. The database keeps only the codes' fingerprints and the form key's hash.
"""

from __future__ import annotations

from flask_babel import gettext as _
from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError

from pb import audit, submissions
from pb.errors import NotAllowed
from pb.extensions import db
from pb.models import Round, User
from pb.models.voting import VotingCode, VotingCodeBatch
from pb.policy import can_issue_codes
from pb.voting import VotingError, codes

MAX_BATCH = 2000
ACTION = "voting_codes.generated"


def generate_codes(actor: User, round_: Round, label: str, count: int,
                   submission: str) -> tuple[VotingCodeBatch, bool]:
    """The batch this form makes (or made already), and whether it is new."""
    if not can_issue_codes(actor, round_):  # officers, and staff on duty at a decision day
        raise NotAllowed(_("Only the partnership's officers, and staff on duty at its "
                           "decision days, can make voting codes."))
    if not submissions.is_key(submission):
        raise VotingError(_("This form is out of date. Reload the page and try again."))
    made = _made(actor, submission)
    if made is not None:
        return made, False
    if not 1 <= count <= MAX_BATCH:
        raise VotingError(_("Make between 1 and %(most)s codes at a time.", most=MAX_BATCH),
                          field="count")
    if round_.status in ("closed", "results"):
        raise VotingError(_("Voting in this round has closed, so new codes would be no use."))
    try:
        batch = _make(actor, round_, label, count, submission)
    except IntegrityError:  # the same form, sent twice at once: the other request made it
        made = submissions.after_race(submission, ACTION, actor,
                                      _("These codes could not be made. Try again."))
        return db.session.get(VotingCodeBatch, made), False
    return batch, True


def _make(actor: User, round_: Round, label: str, count: int,
          submission: str) -> VotingCodeBatch:
    batch = VotingCodeBatch(round_id=round_.id, label=label.strip(), size=count,
                            created_by_id=actor.id)
    db.session.add(batch)
    db.session.flush()
    db.session.add_all(VotingCode(round_id=round_.id, batch_id=batch.id,
                                  code_hash=codes.code_hash(codes.sheet_code(submission, i)))
                       for i in range(count))
    submissions.record(submission, ACTION, batch.id, actor)
    db.session.flush()  # the key meets its unique index here, before the audit entry
    audit.record("voting_codes.generated", batch,
                 after={"round_id": round_.id, "label": batch.label, "count": count},
                 actor=actor)
    db.session.commit()
    return batch


def _made(actor: User, submission: str) -> VotingCodeBatch | None:
    batch_id = submissions.previous(submission, ACTION, actor)
    return db.session.get(VotingCodeBatch, batch_id) if batch_id else None


def sheet(batch: VotingCodeBatch, submission: str | None) -> list[str] | None:
    """The batch's codes for printing, if ``submission`` is the key that made it."""
    if not submissions.is_key(submission) or submissions.previous(
            submission, ACTION, _maker(batch)) != batch.id:
        return None
    plain = [codes.sheet_code(submission, i) for i in range(batch.size)]
    first = db.session.scalar(select(VotingCode.id).where(
        VotingCode.batch_id == batch.id, VotingCode.code_hash == codes.code_hash(plain[0])))
    return [codes.display_code(c) for c in plain] if first is not None else None


def _maker(batch: VotingCodeBatch):
    return db.session.get(User, batch.created_by_id) if batch.created_by_id else None


def code_batches(round_: Round) -> list[dict]:
    rows = db.session.execute(
        select(VotingCodeBatch, func.count(VotingCode.used_at))
        .outerjoin(VotingCode, VotingCode.batch_id == VotingCodeBatch.id)
        .where(VotingCodeBatch.round_id == round_.id)
        .group_by(VotingCodeBatch.id).order_by(VotingCodeBatch.id)).all()
    return [{"batch": batch, "used": used} for batch, used in rows]
