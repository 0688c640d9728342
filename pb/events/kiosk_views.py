"""Tablets: enrolment through a one-time link, then kiosk mode (code, ballot, thank you).

Kiosk pages need the tablet's cookie; anything else gets a page saying the device is
not enrolled. The code typed on a tablet is kept in its session only until the ballot
is received (or ``KIOSK_IDLE`` passes, or the voter presses "Start again"); the thank
you page resets to the code screen after ``RESET_SECONDS``, and every kiosk page is
sent with ``no-store``, so nothing of the last voter is left for the next. A ballot
form resent after the tablet lost its connection is recognised by its key and shows
"thank you" again: stored once, never twice.
"""

from __future__ import annotations

from datetime import timedelta

from flask import current_app, make_response, redirect, render_template, request, session, url_for
from flask_babel import gettext as _

from pb import submissions, throttle
from pb.errors import DomainError
from pb.events import devices, kiosk
from pb.events.views import NO_STORE, bp
from pb.models.base import utcnow
from pb.voting import AlreadyVoted, BallotProblems, CodeError, VotingError
from pb.voting.designs import SCORE_MAX, Problems, describe_rules, read_choices, section_totals
from pb.voting.services import display_receipt

KIOSK_COOKIE = "pb_kiosk"
CLAIM = "pb_kiosk_claim"
KIOSK_IDLE = timedelta(minutes=10)
RESET_SECONDS = 12


def _device():
    return devices.device_from_cookie(request.cookies.get(KIOSK_COOKIE))


def _not_enrolled():
    return render_template("events/kiosk_not_enrolled.html",
                           message=devices.NOT_ENROLLED), 403, NO_STORE


def _start(device, *, message=None, status=200):
    return render_template("events/kiosk_start.html", device=device, event=device.event,
                           round=device.event.round, message=message), status, NO_STORE


@bp.route("/kiosk/enrol/<token>", methods=["GET", "POST"])
def enrol(token: str):
    device = devices.device_for_link(token)
    if request.method == "GET":
        if device is None:
            return render_template("events/kiosk_not_enrolled.html", message=(
                _("This enrolment link has been used, has expired or was switched off. Ask an "
                "officer for a new one."))), 410, NO_STORE
        return render_template("events/kiosk_enrol.html", device=device, token=token), \
            200, NO_STORE
    device, cookie = devices.enrol(token)
    response = redirect(url_for("events.kiosk_home"), code=303)
    response.set_cookie(KIOSK_COOKIE, cookie, max_age=14 * 24 * 3600, httponly=True,
                        samesite="Lax", secure=current_app.config["SESSION_COOKIE_SECURE"])
    session.pop(CLAIM, None)
    return response


def _claim(device):
    claim = session.get(CLAIM)
    if not isinstance(claim, dict) or claim.get("device") != device.id:
        return None
    at = claim.get("at")
    if not isinstance(at, (int, float)) or utcnow().timestamp() - at > KIOSK_IDLE.total_seconds():
        session.pop(CLAIM, None)
        return None
    return claim


@bp.route("/kiosk", methods=["GET", "POST"])
def kiosk_home():
    device = _device()
    if device is None:
        return _not_enrolled()
    if request.method == "GET":
        session.pop(CLAIM, None)  # the code screen always starts afresh
        return _start(device)
    try:
        claim = kiosk.enter_code(device, request.form.get("code", "")[:40],
                                 request.remote_addr or "unknown")
    except throttle.Wait as exc:
        response = make_response(_start(device, message=exc.message, status=exc.status))
        response.headers["Retry-After"] = str(exc.retry_after)
        return response
    except VotingError as exc:
        return _start(device, message=exc.message, status=exc.status)
    session[CLAIM] = {**claim, "device": device.id, "at": utcnow().timestamp()}
    return redirect(url_for("events.kiosk_ballot"), code=303)


def _ballot(device, identity, choices, *, problems=None, status=200):
    paper = kiosk.paper_for(device, identity)
    return render_template(
        "events/kiosk_ballot.html", device=device, event=device.event, round=device.event.round,
        paper=paper, choices=choices, problems=problems or Problems(),
        submission=submissions.new_key(), rules_text=describe_rules(paper.rules, paper.sections),
        totals=section_totals(paper.projects, paper.sections, choices), score_max=SCORE_MAX,
        ranks=range(1, paper.rules.ranks + 1), idle=int(KIOSK_IDLE.total_seconds())
    ), status, NO_STORE


def _thanks(device, receipt: str | None):
    return render_template("events/kiosk_thanks.html", device=device, event=device.event,
                           round=device.event.round, receipt=receipt, seconds=RESET_SECONDS
                           ), 200, NO_STORE


@bp.route("/kiosk/ballot", methods=["GET", "POST"])
def kiosk_ballot():
    device = _device()
    if device is None:
        return _not_enrolled()
    key = request.form.get("submission") if request.method == "POST" else None
    claim = _claim(device)
    if claim is None and kiosk.already_received(key):
        return _thanks(device, None)  # a resend after the connection dropped: stored once
    identity = kiosk.identity_for(device, claim) if claim else None
    if identity is None:
        return redirect(url_for("events.kiosk_home"), code=303)
    session[CLAIM] = {**claim, "at": utcnow().timestamp()}
    if request.method == "GET":
        return _ballot(device, identity, {})
    paper = kiosk.paper_for(device, identity)
    choices, problems = read_choices(paper.rules, request.form, paper.ids)
    if problems:
        return _ballot(device, identity, choices, problems=problems, status=400)
    return _cast(device, identity, choices, key)


def _cast(device, identity, choices, key):
    try:
        cast = kiosk.cast_on_tablet(device, identity, choices, key)
    except BallotProblems as exc:
        return _ballot(device, identity, choices, problems=exc.problems, status=400)
    except (AlreadyVoted, CodeError) as exc:
        session.pop(CLAIM, None)
        return _start(device, message=exc.message, status=exc.status)
    except DomainError as exc:
        return _ballot(device, identity, choices, problems=Problems(general=[exc.message]),
                       status=exc.status)
    session.pop(CLAIM, None)  # the tablet forgets the voter at once
    return _thanks(device, display_receipt(cast.receipt))


@bp.route("/kiosk/reset", methods=["POST"])
def kiosk_reset():
    """Start again: the tablet forgets any code typed on it."""
    session.pop(CLAIM, None)
    return redirect(url_for("events.kiosk_home"), code=303)
