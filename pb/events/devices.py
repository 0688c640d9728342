"""Tablets as voting kiosks: enrolled by an officer through a one-time link.

The officer names a tablet; pb shows a link (and its QR code) that works once, for
``LINK_MINUTES``. Opening it on the tablet and confirming gives the tablet a cookie
holding a random secret; the database keeps only the hashes of the link's token and
of the secret. The link's token derives from the officer's form key (like a sheet of
voting codes), so refreshing the page shows the same link, never a second device.
A revoked tablet stops working at its next request.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
from datetime import timedelta

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import select, update

from pb import audit, submissions
from pb.errors import NotAllowed
from pb.events import EventError
from pb.extensions import db
from pb.loaders import get_or_none
from pb.models import Event, KioskDevice, User
from pb.models.base import utcnow
from pb.policy import can_set_up_event
from pb.voting import codes

LINK_MINUTES = 30
ACTION = "kiosk.link"
NOT_ENROLLED = (_l("This device is not enrolled as a voting tablet, or it has been switched off. "
                "Ask an officer to enrol it from the event's page."))


def _hash(value: str) -> str:
    return hashlib.sha256(b"pb-kiosk:" + value.encode()).hexdigest()


def link_token(submission: str) -> str:
    """The enrolment link's token made by the form with this key (see the module)."""
    digest = hmac.new(codes.code_key(), b"pb-kiosk-link:" + submission.encode(),
                      hashlib.sha256).hexdigest()
    return digest[:40]


def new_device(actor: User, event: Event, name: str, submission: str) -> tuple[KioskDevice, str]:
    """The tablet this form adds (or added already) and its one-time enrolment token."""
    if not can_set_up_event(actor, event.round):
        raise NotAllowed(_("Only the partnership's officers can enrol tablets."))
    if not submissions.is_key(submission):
        raise EventError(_("This form is out of date. Reload the page and try again."))
    made = submissions.previous(submission, ACTION, actor)
    if made is not None:
        return db.session.get(KioskDevice, made), link_token(submission)
    if not event.uses_tablets:
        raise EventError(_("This event does not use tablets: tick tablets in its set-up first."))
    token = link_token(submission)
    device = KioskDevice(event_id=event.id, name=name.strip() or "Tablet",
                         link_hash=_hash(token), created_by_id=actor.id,
                         enrol_expires_at=utcnow() + timedelta(minutes=LINK_MINUTES))
    db.session.add(device)
    db.session.flush()
    submissions.record(submission, ACTION, device.id, actor)
    audit.record("kiosk.link_made", device, after={"event_id": event.id, "name": device.name},
                 actor=actor)
    db.session.commit()
    return device, token


def device_for_link(token: str) -> KioskDevice | None:
    """The tablet a link enrols, while the link is still good."""
    if not token or len(token) > 64:
        return None
    device = db.session.scalar(select(KioskDevice).where(KioskDevice.link_hash == _hash(token)))
    if device is None or device.enrolled_at is not None or device.revoked_at is not None \
            or device.enrol_expires_at < utcnow():
        return None
    return device


def enrol(token: str) -> tuple[KioskDevice, str]:
    """Enrol the tablet opening the link; returns it and the cookie value it keeps."""
    device = device_for_link(token)
    if device is None:
        raise EventError(_("This enrolment link has been used, has expired or was switched off. "
                         "Ask an officer for a new one."), status=410)
    secret = secrets.token_urlsafe(32)
    claimed = db.session.execute(
        update(KioskDevice).where(KioskDevice.id == device.id, KioskDevice.enrolled_at.is_(None))
        .values(enrolled_at=utcnow(), secret_hash=_hash(secret)))
    if claimed.rowcount != 1:  # another tablet opened the same link at the same moment
        db.session.rollback()
        raise EventError(_("This enrolment link has just been used by another device. Ask an "
                         "officer for a new one."), status=410)
    audit.record("kiosk.enrolled", device, after={"event_id": device.event_id})
    db.session.commit()
    return device, f"{device.id}:{secret}"


def device_from_cookie(value: str | None) -> KioskDevice | None:
    """The enrolled, not revoked, tablet whose cookie this is."""
    device_id, _sep, secret = (value or "").partition(":")
    if not (device_id.isascii() and device_id.isdigit()) or not secret or len(value) > 100:
        return None
    device = get_or_none(KioskDevice, int(device_id))
    if device is None or device.secret_hash is None or device.revoked_at is not None:
        return None
    if not hmac.compare_digest(device.secret_hash, _hash(secret)):
        return None
    return device


def revoke(actor: User, event: Event, device_id: int) -> KioskDevice:
    if not can_set_up_event(actor, event.round):
        raise NotAllowed(_("Only the partnership's officers can switch tablets off."))
    device = get_or_none(KioskDevice, device_id)
    if device is None or device.event_id != event.id:
        raise EventError(_("That tablet is not enrolled at this event."), status=404)
    if device.revoked_at is None:
        device.revoked_at = utcnow()
        audit.record("kiosk.revoked", device, after={"event_id": event.id}, actor=actor)
    db.session.commit()
    return device
