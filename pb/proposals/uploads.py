"""Uploaded images and documents: checked by their content, never by their name.

Allowed: PNG, JPEG and WebP images (re-encoded with Pillow, which drops metadata
and anything hidden after or inside the image) and PDF documents (refused when
they carry JavaScript or launch actions). Everything else (SVG, HTML, executables,
GIF/JS polyglots...) is refused. Files are stored under ``instance/uploads/`` with
random names, outside ``static/``, and served by a view that re-checks who may see
the proposal.
"""

from __future__ import annotations

import contextlib
import io
import re
import secrets
from dataclasses import dataclass
from pathlib import Path

from flask import current_app
from PIL import Image, UnidentifiedImageError

from pb.extensions import db
from pb.models.proposal import Proposal, ProposalDocument

IMAGE_TYPES = {"png": ("image/png", "PNG"), "jpeg": ("image/jpeg", "JPEG"),
               "webp": ("image/webp", "WEBP")}
PDF_TYPE = "application/pdf"
MAX_IMAGE_PIXELS = 40_000_000
# PDF features that run code or open other things.
PDF_ACTIVE = re.compile(rb"/(JavaScript|JS|Launch|EmbeddedFile|OpenAction|AA|RichMedia|XFA)\b")


class UploadError(ValueError):
    pass


@dataclass(frozen=True)
class CheckedFile:
    data: bytes
    content_type: str
    extension: str
    original_name: str


def sniff(head: bytes) -> str | None:
    """The file's real type from its first bytes: png, jpeg, webp, pdf or None."""
    if head.startswith(b"\x89PNG\r\n\x1a\n"):
        return "png"
    if head.startswith(b"\xff\xd8\xff"):
        return "jpeg"
    if head[:4] == b"RIFF" and head[8:12] == b"WEBP":
        return "webp"
    if head.startswith(b"%PDF-"):
        return "pdf"
    return None


def clean_name(name: str | None) -> str:
    """A display name: no folders, no control characters, at most 120 characters."""
    base = re.split(r"[\\/]", name or "")[-1]
    base = re.sub(r"[\x00-\x1f\x7f]", "", base).strip() or "file"
    return base[:120]


def _read_limited(storage, limit: int) -> bytes:
    data = storage.stream.read(limit + 1)
    if len(data) > limit:
        raise UploadError(f"The file is too large: the most you can upload is "
                          f"{limit // (1024 * 1024)} MB.")
    if not data:
        raise UploadError("The file is empty.")
    return data


def check_image(storage) -> CheckedFile:
    data = _read_limited(storage, current_app.config["UPLOAD_MAX_BYTES"])
    kind = sniff(data[:16])
    if kind not in IMAGE_TYPES:
        raise UploadError("Choose a photo or picture saved as PNG, JPEG or WebP.")
    content_type, pil_format = IMAGE_TYPES[kind]
    try:
        with Image.open(io.BytesIO(data)) as probe:
            probe.verify()
        with Image.open(io.BytesIO(data)) as image:
            if image.format != pil_format:
                raise UploadError("The picture's contents do not match its type.")
            if image.width * image.height > MAX_IMAGE_PIXELS:
                raise UploadError("The picture is too big: use one under 40 megapixels.")
            image.load()
            if image.mode not in ("RGB", "RGBA", "L", "LA"):
                image = image.convert("RGBA" if "A" in image.getbands() else "RGB")
            if pil_format == "JPEG" and image.mode in ("RGBA", "LA"):
                image = image.convert("RGB")
            out = io.BytesIO()
            # Re-encoding keeps only the pixels: no metadata, nothing appended.
            image.save(out, format=pil_format, **({"quality": 85} if pil_format != "PNG" else {}))
    except UploadError:
        raise
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError,
            Image.DecompressionBombError) as exc:
        raise UploadError("We could not read that picture. Try saving it again as a JPEG "
                          "or PNG.") from exc
    return CheckedFile(out.getvalue(), content_type, "jpg" if kind == "jpeg" else kind,
                       clean_name(storage.filename))


def check_document(storage) -> CheckedFile:
    data = _read_limited(storage, current_app.config["UPLOAD_MAX_BYTES"])
    if sniff(data[:16]) != "pdf":
        raise UploadError("Supporting documents must be PDF files.")
    if b"%%EOF" not in data[-1024:]:
        raise UploadError("That PDF looks damaged or incomplete.")
    if PDF_ACTIVE.search(data):
        raise UploadError("That PDF contains scripts or embedded files, which we do not "
                          "accept. Print it to a new PDF and try again.")
    return CheckedFile(data, PDF_TYPE, "pdf", clean_name(storage.filename))


def upload_folder() -> Path:
    folder = Path(current_app.instance_path) / "uploads" / "proposals"
    folder.mkdir(parents=True, exist_ok=True)
    return folder


def store(checked: CheckedFile) -> str:
    """Write the file under a random name; return that name."""
    name = f"{secrets.token_hex(16)}.{checked.extension}"
    path = upload_folder() / name
    with open(path, "xb") as handle:
        handle.write(checked.data)
    return name


def path_for(stored_name: str) -> Path:
    if not re.fullmatch(r"[0-9a-f]{32}\.(png|jpg|webp|pdf)", stored_name):
        raise UploadError("Unknown file.")
    return upload_folder() / stored_name


def remove(stored_name: str) -> None:
    with contextlib.suppress(UploadError):
        path_for(stored_name).unlink(missing_ok=True)


# Files and the transaction ----------------------------------------------------------------------

def attach(proposal: Proposal, user, image: CheckedFile | None,
           document: CheckedFile | None) -> tuple[list[str], list[str]]:
    """Store checked files and add them to ``proposal`` (a new image replaces the old).

    Returns (new stored names, replaced stored names) for ``commit_with_files``.
    """
    stored, replaced = [], []
    if image is not None:
        old = proposal.image
        if old is not None:
            replaced.append(old.stored_name)
            proposal.documents.remove(old)
    for kind, checked in (("image", image), ("document", document)):
        if checked is None:
            continue
        name = store(checked)
        stored.append(name)
        proposal.documents.append(ProposalDocument(
            kind=kind, original_name=checked.original_name, stored_name=name,
            content_type=checked.content_type, size_bytes=len(checked.data),
            uploaded_by_id=getattr(user, "id", None)))
    return stored, replaced


def commit_with_files(stored: list[str], replaced: list[str]) -> None:
    """Commit; on failure remove the files just stored, on success the ones replaced,
    so that the folder always matches the database."""
    try:
        db.session.commit()
    except Exception:
        db.session.rollback()
        for name in stored:
            remove(name)
        raise
    for name in replaced:
        remove(name)
