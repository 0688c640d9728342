"""Receipts, evidence and photos uploaded with a return.

The file checks are the proposals area's (``pb.proposals.uploads``): content sniffed,
images re-encoded, active PDFs refused. A photo needs the consent of everyone shown;
only a consented photo marked public, on an accepted return, reaches the public page.
"""

from __future__ import annotations

from flask_babel import gettext as _

from pb import audit
from pb.extensions import db
from pb.grants.common import GrantError, commit, use_case
from pb.grants.returns import check_open
from pb.models import GrantDocument
from pb.proposals import uploads


def _checked(storage, kind: str) -> uploads.CheckedFile:
    head = storage.stream.read(16)
    storage.stream.seek(0)
    try:
        if kind == "photo":
            return uploads.check_image(storage)
        # Evidence: a PDF, or a photo of a receipt.
        if uploads.sniff(head) == "pdf":
            return uploads.check_document(storage)
        return uploads.check_image(storage)
    except uploads.UploadError as exc:
        raise GrantError(str(exc), field="file") from exc


@use_case
def upload(grant, ret, actor, storage, *, kind: str, budget_line_id: int | None = None,
           caption: str = "", consent: bool = False, public: bool = False) -> GrantDocument:
    check_open(grant, ret, actor)
    if storage is None or not getattr(storage, "filename", ""):
        raise GrantError(_("Choose a file to upload."), field="file")
    if kind not in ("evidence", "photo"):
        raise GrantError(_("Say whether this is evidence of spend or a photo."), field="file_kind")
    line = None
    if kind == "evidence":
        line = next((b for b in grant.budget_lines if b.id == budget_line_id), None)
        if line is None:
            raise GrantError(_("Choose the budget line this receipt or evidence is for."),
                             field="file_line")
    elif not consent:
        raise GrantError(_("Confirm that everyone who can be recognised in the photo agreed to "
                         "it being used."), field="file_consent")
    checked = _checked(storage, kind)
    stored = uploads.store(checked)
    document = GrantDocument(
        grant_id=grant.id, return_id=ret.id, budget_line_id=line.id if line else None, kind=kind,
        original_name=checked.original_name, stored_name=stored,
        content_type=checked.content_type, size_bytes=len(checked.data),
        caption=" ".join((caption or "").split())[:200], consent=bool(consent),
        is_public=bool(public and consent and kind == "photo"), uploaded_by_id=actor.id)
    db.session.add(document)
    db.session.flush()
    audit.record("grant.document_uploaded", document, actor=actor, after={
        "grant_id": grant.id, "return_id": ret.id, "kind": kind,
        "budget_line_id": document.budget_line_id, "name": document.original_name,
        "consent": document.consent, "public": document.is_public})
    try:
        commit()
    except Exception:
        uploads.remove(stored)
        raise
    return document


@use_case
def remove(grant, ret, actor, document_id: int) -> None:
    """Take back a file uploaded by mistake, before the return is submitted."""
    check_open(grant, ret, actor)
    document = next((d for d in ret.documents if d.id == document_id), None)
    if document is None:
        raise GrantError(_("That file is not part of this return."), status=404)
    stored = document.stored_name
    audit.record("grant.document_removed", document, actor=actor,
                 before={"grant_id": grant.id, "return_id": ret.id,
                         "name": document.original_name})
    db.session.delete(document)
    commit()
    uploads.remove(stored)


def is_public_photo(document: GrantDocument) -> bool:
    ret = document.monitoring_return
    return (document.kind == "photo" and document.consent and document.is_public
            and ret is not None and ret.status == "accepted")
