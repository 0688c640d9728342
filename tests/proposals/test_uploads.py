"""Images and documents: checked by content, stored outside static/, served safely."""

from __future__ import annotations

import io

import pytest
from PIL import Image
from sqlalchemy import select

from pb.extensions import db
from pb.models.proposal import Proposal, ProposalDocument
from tests.factories import MINIMAL_PDF, png_bytes, proposal_form

ELF = b"\x7fELF\x02\x01\x01\x00" + b"\x00" * 200
WINDOWS_EXE = b"MZ\x90\x00\x03\x00\x00\x00" + b"\x00" * 200
SVG = (b'<?xml version="1.0"?><svg xmlns="http://www.w3.org/2000/svg" onload="alert(1)">'
       b"<script>alert(document.cookie)</script></svg>")
HTML_AS_PNG = b"<html><body><script>alert(1)</script></body></html>"
GIF_JS_POLYGLOT = b"GIF89a/*\x01\x00\x01\x00\x00\x00\x00*/=1;alert(1);//" + b"\x00" * 20
PNG_HEADER_THEN_SCRIPT = b"\x89PNG\r\n\x1a\n<script>alert(1)</script>" + b"\x00" * 40
PDF_WITH_JS = (b"%PDF-1.4\n1 0 obj<</Type/Catalog/OpenAction<</S/JavaScript/JS(app.alert(1))"
               b">>>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n")


def _post(client, neighbourhood, **files):
    data = proposal_form(neighbourhood)
    for name, (content, filename) in files.items():
        data[name] = (io.BytesIO(content), filename)
    return client.post(f"/rounds/{neighbourhood.rounds['proposals'].id}/proposals/new", data=data,
                       content_type="multipart/form-data")


@pytest.mark.parametrize("content, filename, message", [
    (ELF, "holiday.png", "PNG, JPEG or WebP"),
    (WINDOWS_EXE, "photo.jpg", "PNG, JPEG or WebP"),
    (SVG, "logo.svg", "PNG, JPEG or WebP"),
    (SVG, "logo.png", "PNG, JPEG or WebP"),
    (HTML_AS_PNG, "page.png", "PNG, JPEG or WebP"),
    (GIF_JS_POLYGLOT, "anim.gif", "PNG, JPEG or WebP"),
    (PNG_HEADER_THEN_SCRIPT, "fake.png", "could not read that picture"),
    (b"", "empty.png", "empty"),
])
def test_bad_images_are_refused(client, neighbourhood, sign_in, content, filename, message):
    sign_in(neighbourhood.users["resident"])
    response = _post(client, neighbourhood, image=(content, filename))
    assert response.status_code == 400
    assert message in response.get_data(as_text=True)
    assert db.session.scalar(select(Proposal)) is None


@pytest.mark.parametrize("content, filename, message", [
    (WINDOWS_EXE, "quote.pdf", "must be PDF files"),
    (png_bytes(), "quote.pdf", "must be PDF files"),
    (PDF_WITH_JS, "quote.pdf", "scripts or embedded files"),
    (b"%PDF-1.4 truncated", "quote.pdf", "damaged"),
])
def test_bad_documents_are_refused(client, neighbourhood, sign_in, content, filename, message):
    sign_in(neighbourhood.users["resident"])
    response = _post(client, neighbourhood, document=(content, filename))
    assert response.status_code == 400
    assert message in response.get_data(as_text=True)


def test_oversized_file_is_refused(app, client, neighbourhood, sign_in):
    app.config["UPLOAD_MAX_BYTES"] = 1024
    sign_in(neighbourhood.users["resident"])
    response = _post(client, neighbourhood, document=(MINIMAL_PDF + b"%" * 2000 + b"\n%%EOF\n",
                                             "big.pdf"))
    assert response.status_code == 400
    assert "too large" in response.get_data(as_text=True)


def test_polyglot_image_is_re_encoded_and_served_safely(app, client, neighbourhood, sign_in):
    # A real PNG with an HTML page appended: accepted, but only its pixels are kept.
    polyglot = png_bytes() + b"<html><script>alert(1)</script></html>"
    sign_in(neighbourhood.users["resident"])
    response = _post(client, neighbourhood, image=(polyglot, "../../../etc/passwd.png"),
                     document=(MINIMAL_PDF, "quote.pdf"))
    assert response.status_code == 303, response.get_data(as_text=True)[:2000]
    proposal = db.session.scalar(select(Proposal))
    image, document = proposal.image, proposal.supporting_documents[0]
    assert image.original_name == "passwd.png"
    assert "/" not in image.stored_name and image.stored_name.endswith(".png")
    served = client.get(f"/proposals/{proposal.id}/files/{image.id}")
    assert served.status_code == 200
    assert b"<script" not in served.data
    Image.open(io.BytesIO(served.data)).verify()
    assert served.headers["Content-Type"] == "image/png"
    assert served.headers["X-Content-Type-Options"] == "nosniff"
    assert served.headers["Content-Security-Policy"].startswith("sandbox")
    pdf = client.get(f"/proposals/{proposal.id}/files/{document.id}")
    assert pdf.headers["Content-Disposition"].startswith("attachment")
    assert pdf.headers["Content-Type"] == "application/pdf"
    assert pdf.data == MINIMAL_PDF
    # Stored under the instance folder, not under static/.
    from pb.proposals import uploads

    path = uploads.path_for(image.stored_name)
    assert str(path).startswith(app.instance_path) and "static" not in str(path)


def test_files_of_a_draft_are_not_served_to_others(client, neighbourhood, sign_in):
    sign_in(neighbourhood.users["resident"])
    _post(client, neighbourhood, image=(png_bytes(), "me.png"))
    proposal = db.session.scalar(select(Proposal))
    proposal.status = "draft"
    db.session.commit()
    document = db.session.scalar(select(ProposalDocument))
    url = f"/proposals/{proposal.id}/files/{document.id}"
    assert client.get(url).status_code == 200
    sign_in(neighbourhood.users["resident2"])
    assert client.get(url).status_code == 404
    client.post("/account/logout")
    assert client.get(url).status_code == 404
    assert client.get(f"/proposals/{proposal.id}/files/99999").status_code == 404
