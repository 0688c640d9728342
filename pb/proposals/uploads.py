"""Uploaded images and documents: checked by their content, never by their name.

Allowed: PNG, JPEG and WebP images (re-encoded with Pillow, which drops metadata
and anything hidden after or inside the image) and PDF documents, parsed with pypdf
and refused when any object (including those packed in compressed object streams,
and names written with #xx escapes) carries JavaScript, actions run on opening,
launch actions, embedded files, forms that submit or rich media, or when the file
also reads as HTML. Everything else (SVG, HTML, executables,
GIF/JS polyglots...) is refused. Files are stored under ``instance/uploads/`` with
random names, outside ``static/``, and served by a view that re-checks who may see
the proposal.
"""

from __future__ import annotations

import contextlib
import io
import re
import secrets
import warnings
from dataclasses import dataclass
from pathlib import Path

from flask import current_app
from flask_babel import gettext as _
from PIL import Image, UnidentifiedImageError
from pypdf import PdfReader
from pypdf.errors import PyPdfError
from pypdf.generic import ArrayObject, DictionaryObject, IndirectObject, NameObject

from pb.extensions import db
from pb.models.proposal import Proposal, ProposalDocument

IMAGE_TYPES = {"png": ("image/png", "PNG"), "jpeg": ("image/jpeg", "JPEG"),
               "webp": ("image/webp", "WEBP")}
PDF_TYPE = "application/pdf"
MAX_IMAGE_PIXELS = 40_000_000
# PDF features that run code or open other things: a quick look at the raw bytes first,
# then the real check on the parsed objects (names there are already unescaped).
PDF_ACTIVE = re.compile(rb"/(JavaScript|JS|Launch|EmbeddedFile|OpenAction|AA|RichMedia|XFA)\b")
PDF_ACTIVE_NAMES = frozenset(f"/{name}" for name in (
    "JavaScript", "JS", "Launch", "EmbeddedFile", "EmbeddedFiles", "OpenAction", "AA",
    "RichMedia", "XFA", "SubmitForm", "ImportData", "GoToE", "Sound", "Movie"))
# Bytes that make a file readable as a web page too (a PDF/HTML polyglot).
HTML_MARKERS = re.compile(rb"<\s*(script|html|svg|iframe|object|embed|body|img)\b|javascript:",
                          re.IGNORECASE)
PDF_MAX_OBJECTS = 200_000


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
        raise UploadError(_("The file is too large: the most you can upload is %(mb)s MB.",
                            mb=limit // (1024 * 1024)))
    if not data:
        raise UploadError(_("The file is empty."))
    return data


def check_image(storage) -> CheckedFile:
    data = _read_limited(storage, current_app.config["UPLOAD_MAX_BYTES"])
    kind = sniff(data[:16])
    if kind not in IMAGE_TYPES:
        raise UploadError(_("Choose a photo or picture saved as PNG, JPEG or WebP."))
    content_type, pil_format = IMAGE_TYPES[kind]
    try:
        with Image.open(io.BytesIO(data)) as probe:
            probe.verify()
        with Image.open(io.BytesIO(data)) as image:
            if image.format != pil_format:
                raise UploadError(_("The picture's contents do not match its type."))
            if image.width * image.height > MAX_IMAGE_PIXELS:
                raise UploadError(_("The picture is too big: use one under 40 megapixels."))
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
        raise UploadError(_("We could not read that picture. Try saving it again as a JPEG "
                            "or PNG.")) from exc
    return CheckedFile(out.getvalue(), content_type, "jpg" if kind == "jpeg" else kind,
                       clean_name(storage.filename))


def check_document(storage) -> CheckedFile:
    data = _read_limited(storage, current_app.config["UPLOAD_MAX_BYTES"])
    if sniff(data[:16]) != "pdf":
        raise UploadError(_("Supporting documents must be PDF files."))
    if b"%%EOF" not in data[-1024:]:
        raise UploadError(_("That PDF looks damaged or incomplete."))
    if PDF_ACTIVE.search(data) or HTML_MARKERS.search(data) or pdf_active_content(data):
        raise UploadError(_("That PDF contains scripts or embedded files, which we do not "
                            "accept. Print it to a new PDF and try again."))
    return CheckedFile(data, PDF_TYPE, "pdf", clean_name(storage.filename))


def pdf_active_content(data: bytes) -> bool:
    """Whether the parsed PDF has active content anywhere; ``UploadError`` if it does not
    parse (or is encrypted, so it cannot be looked inside)."""
    try:
        with warnings.catch_warnings():
            # pypdf warns about harmless oddities it repairs; the verdict is what matters.
            warnings.simplefilter("ignore")
            reader = PdfReader(io.BytesIO(data), strict=False)
            if reader.is_encrypted:
                raise UploadError(_("That PDF is protected by a password, so we cannot "
                                    "check it. Save an unprotected copy and try again."))
            roots = [reader.trailer] + [IndirectObject(number, generation, reader)
                                        for number, generation in _object_numbers(reader)]
            return _has_active_names(roots)
    except UploadError:
        raise
    except (PyPdfError, ValueError, TypeError, KeyError, AttributeError, OSError,
            RecursionError, IndexError) as exc:
        raise UploadError(_("That PDF looks damaged or incomplete.")) from exc


def _object_numbers(reader: PdfReader) -> list[tuple[int, int]]:
    """Every object the file defines, including ones no page refers to and ones packed in
    compressed object streams."""
    numbers = [(number, generation) for generation, table in reader.xref.items()
               for number in table]
    numbers += [(number, 0) for number in reader.xref_objStm]
    if len(numbers) > PDF_MAX_OBJECTS:
        raise UploadError(_("That PDF is too complicated for us to check."))
    return numbers


def _has_active_names(roots: list) -> bool:
    seen: set[tuple[int, int]] = set()
    stack = list(roots)
    while stack:
        item = stack.pop()
        if isinstance(item, IndirectObject):
            key = (item.idnum, item.generation)
            if key in seen:
                continue
            seen.add(key)
            item = item.get_object()
        if isinstance(item, NameObject) and item in PDF_ACTIVE_NAMES:
            return True
        if isinstance(item, DictionaryObject):
            if any(str(key) in PDF_ACTIVE_NAMES for key in item):
                return True
            stack.extend(item.values())
        elif isinstance(item, ArrayObject):
            stack.extend(item)
    return False


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
