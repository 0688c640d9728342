"""Voting pages: the ballot, entering a voting code, the receipt, the public receipt list.

A shared device (a kiosk at a community hub) forgets a code voter as soon as their
ballot is received: the receipt and choices are shown once, on the confirmation page,
and no page shows them again. A code entered and left unused is forgotten after
``VOTING_CODE_IDLE``. Officers' pages (codes, turnout) are in ``staff_views``.
"""

from __future__ import annotations

import secrets
from datetime import datetime

from flask import (
    Blueprint,
    current_app,
    flash,
    make_response,
    redirect,
    render_template,
    request,
    session,
    url_for,
)
from flask_babel import gettext as _
from flask_login import current_user

from pb import links, submissions, throttle
from pb.htmx import render_page_or_fragment
from pb.loaders import get_or_none, visible_round_or_404
from pb.models import Round
from pb.models.voting import Ballot
from pb.policy import can_manage_round, can_see_turnout
from pb.voting import (
    AlreadyVoted,
    BallotProblems,
    CodeError,
    NotEligible,
    VotingError,
    codes,
    easy_read,
    keys,
    services,
)
from pb.voting.designs import (
    SCORE_MAX,
    Problems,
    check_ballot,
    describe_rules,
    ordinal,
    read_choices,
    section_totals,
)
from pb.voting.forms import CodeForm

bp = Blueprint("voting", __name__)

CLAIMS = "pb_vote_codes"  # session: {round id: {"code_id", "ward_id", "facts", "at"}}
RECEIPT = "pb_vote_receipt"  # session: what the confirmation page shows, once
DEVICE_COOKIE = "pb_device"  # a random id per browser, for slowing down code guesses
NO_STORE = {"Cache-Control": "no-store"}


@links.public
def _vote_links(round_, user):
    if round_.status == "voting":
        yield (_("Vote now"), url_for("voting.vote", round_id=round_.id), True)
    if round_.status in ("upcoming", "proposals", "review", "voting"):
        yield (_("How voting works (easy read)"),
               url_for("voting.how_to_vote", round_id=round_.id))
    if round_.status in ("voting", "closed", "results"):
        yield (_("Check your ballot was counted"), url_for("voting.receipts", round_id=round_.id))


@links.staff
def _vote_staff_links(round_, user):
    if can_manage_round(user, round_):
        yield (_("Voting codes"), url_for("voting.code_batches", round_id=round_.id))
    if can_see_turnout(user, round_):
        yield (_("Turnout"), url_for("voting.turnout", round_id=round_.id))


def _user():
    return current_user._get_current_object() if current_user.is_authenticated else None


# The code this browser holds ------------------------------------------------------------

def _seconds() -> float:
    """Now, as seconds (from the throttles' clock, which tests can move)."""
    return (throttle.now() - datetime(2000, 1, 1)).total_seconds()


def _claims() -> dict:
    claims = session.get(CLAIMS)
    return dict(claims) if isinstance(claims, dict) else {}


def _forget_code(round_: Round) -> None:
    _forget_code_of(round_.id)


def _forget_code_of(round_id: int) -> None:
    claims = _claims()
    if claims.pop(str(round_id), None) is not None:
        session[CLAIMS] = claims


def _live_claim(round_: Round) -> dict | None:
    """The code entered in this browser for the round, unless it has sat unused too long."""
    claim = _claims().get(str(round_.id))
    if not isinstance(claim, dict):
        return None
    idle = current_app.config["VOTING_CODE_IDLE"].total_seconds()
    if _seconds() - float(claim.get("at") or 0) > idle:
        _forget_code(round_)
        flash(_("For privacy on shared devices, this device forgot your voting code after a "
                "while without use. Enter it again to vote."), "info")
        return None
    claims = _claims()
    claims[str(round_.id)] = {**claim, "at": _seconds()}
    session[CLAIMS] = claims
    return claim


def _identity(round_: Round) -> tuple[services.Identity | None, str | None]:
    """The person voting (a code entered in this browser, or the account), or why not."""
    claim = _live_claim(round_)
    if claim:
        identity = services.code_identity(round_, claim, _user())
        if identity is not None:
            return identity, None
    if current_user.is_authenticated:
        try:
            return services.account_identity(round_, _user()), None
        except NotEligible as exc:
            return None, exc.message
    return None, None


# Pages ----------------------------------------------------------------------------------

def _start_page(round_: Round, reason: str | None, form: CodeForm | None = None,
                status: int = 200, problem: str | None = None):
    return render_template("voting/start.html", round=round_, reason=reason,
                           form=form or CodeForm(), problem=problem,
                           accepts_codes=round_.voter_verification in ("code", "account_or_code"),
                           accepts_accounts=round_.voter_verification in ("account",
                                                                          "account_or_code")
                           ), status, NO_STORE


def _ballot_page(round_, identity, paper, choices, *, problems: Problems | None = None,
                 message: str | None = None, status: int = 200):
    current = services.current_ballot(round_, identity)
    return render_template(
        "voting/ballot.html", round=round_, paper=paper, choices=choices,
        problems=problems or Problems(), message=message, current=current,
        submission=submissions.new_key(),
        rules_text=describe_rules(paper.rules, paper.sections),
        easy=easy_read.summary(round_, paper.sections), ordinal=ordinal,
        totals=section_totals(paper.projects, paper.sections, choices), score_max=SCORE_MAX,
        ranks=range(1, paper.rules.ranks + 1)), status, NO_STORE


def _choices_of(ballot) -> dict[int, int]:
    if ballot is None:
        return {}
    return {c.proposal_id: (c.rank or c.points or 1) for c in ballot.choices}


def _other_ward(source) -> int | None:
    raw = source.get("other_ward") or ""
    return int(raw) if raw.isascii() and raw.isdigit() and len(raw) < 10 else None


def _read_ballot(paper):
    """The choices in the form, with every problem found in one go (None if fine)."""
    choices, problems = read_choices(paper.rules, request.form, paper.ids)
    if problems:
        more = check_ballot(paper.rules, paper.projects, paper.sections, choices)
        problems.general += [m for m in more.general if m not in problems.general]
        for name, message in more.fields.items():
            problems.fields.setdefault(name, message)
    return choices, problems


@bp.route("/rounds/<int:round_id>/vote", methods=["GET", "POST"])
def vote(round_id: int):
    round_ = visible_round_or_404(round_id)
    if round_.status != "voting":
        return render_template("voting/not_open.html", round=round_), (
            200 if request.method == "GET" else 400)
    identity, reason = _identity(round_)
    if identity is None:
        return _start_page(round_, reason, status=200 if request.method == "GET" else 403)
    source = request.form if request.method == "POST" else request.args
    current = services.current_ballot(round_, identity)
    other_ward = _other_ward(source) or (current.other_ward_id if current else None)
    paper = services.build_paper(round_, identity, other_ward)
    if request.method == "GET":
        return _ballot_page(round_, identity, paper, _choices_of(current))
    choices, problems = _read_ballot(paper)
    if "check" in request.form:  # "Check my total" / "Show projects" without JavaScript
        return _ballot_page(round_, identity, paper, choices)
    if problems:
        return _ballot_page(round_, identity, paper, choices, problems=problems, status=400)
    return _cast(round_, identity, paper, choices)


def _cast(round_, identity, paper, choices):
    replaces = request.form.get("replaces", "")
    replaces = int(replaces) if replaces.isascii() and replaces.isdigit() \
        and len(replaces) < 10 else None
    try:
        cast = services.cast_ballot(round_, identity, paper, choices, replaces,
                                    submission=request.form.get("submission"))
    except BallotProblems as exc:
        return _ballot_page(round_, identity, paper, choices, problems=exc.problems, status=400)
    except AlreadyVoted as exc:
        _forget_code(round_)  # a code that cannot vote here is of no more use
        identity, _reason = _identity(round_)
        if identity is None:
            return _start_page(round_, None, problem=exc.message, status=exc.status)
        current = services.current_ballot(round_, identity)
        return _ballot_page(round_, identity, services.build_paper(round_, identity),
                            _choices_of(current), message=exc.message, status=exc.status)
    except CodeError as exc:
        _forget_code(round_)
        return _start_page(round_, None, problem=exc.message, status=exc.status)
    except VotingError as exc:
        return _ballot_page(round_, identity, paper, choices,
                            problems=Problems(general=[exc.message]), status=exc.status)
    if identity.channel == "code":
        # A shared device forgets the code at once: the next person sees no ballot.
        _forget_code_of(cast.round_id)
    # Ids read before the commit (cast.ballot_id, round_id): no reload after it.
    round_id = cast.round_id
    session[RECEIPT] = {"round_id": round_id, "ballot_id": cast.ballot_id,
                        "receipt": cast.receipt, "replaced": cast.replaced_same_details}
    return redirect(url_for("voting.done", round_id=round_id), code=303)


@bp.route("/rounds/<int:round_id>/how-to-vote")
def how_to_vote(round_id: int):
    """The easy-read summary of how the round's vote works, to read or print (issue 16)."""
    round_ = visible_round_or_404(round_id)
    return render_template("voting/how_to_vote.html", round=round_,
                           easy=easy_read.summary(round_))


@bp.route("/rounds/<int:round_id>/vote/total")
def total(round_id: int):
    """The running total of a budget ballot (the htmx fragment, or a page without JS)."""
    round_ = visible_round_or_404(round_id)
    identity, _reason = _identity(round_)
    if identity is None or round_.status != "voting":
        return render_template("voting/not_open.html", round=round_), 403
    paper = services.build_paper(round_, identity, _other_ward(request.args))
    choices, _problems = read_choices(paper.rules, request.args, paper.ids)
    return render_page_or_fragment(
        "voting/total.html", "voting/_total.html", round=round_, paper=paper,
        totals=section_totals(paper.projects, paper.sections, choices))


def _device_id() -> tuple[str, bool]:
    """This browser's device id for the code throttle, and whether it is new."""
    known = request.cookies.get(DEVICE_COOKIE, "")
    if len(known) == 32 and all(c in "0123456789abcdef" for c in known):
        return known, False
    return secrets.token_hex(16), True


@bp.route("/rounds/<int:round_id>/vote/code", methods=["POST"])
def redeem_code(round_id: int):
    round_ = visible_round_or_404(round_id)
    form = CodeForm()
    device, new_device = _device_id()
    if not form.validate_on_submit():
        response = make_response(_start_page(round_, None, form, 400))
    else:
        response = _redeem(round_, form, device)
    if new_device:
        response.set_cookie(DEVICE_COOKIE, device, max_age=365 * 24 * 3600, httponly=True,
                            samesite="Lax", secure=current_app.config["SESSION_COOKIE_SECURE"])
    return response


def _redeem(round_: Round, form: CodeForm, device: str):
    try:
        claim = services.redeem_code(round_, form.code.data, form.postcode.data,
                                     form.date_of_birth.data,
                                     request.remote_addr or "unknown", _user(), device)
    except throttle.Wait as exc:
        response = make_response(_start_page(round_, None, form, exc.status,
                                             problem=exc.message))
        response.headers["Retry-After"] = str(exc.retry_after)
        return response
    except VotingError as exc:
        from pb.forms import apply_errors

        if exc.field and hasattr(form, exc.field):
            apply_errors(form, exc)
            return make_response(_start_page(round_, None, form, exc.status))
        return make_response(_start_page(round_, None, form, exc.status, problem=exc.message))
    claims = _claims()
    claims[str(round_.id)] = {**claim, "at": _seconds()}
    session[CLAIMS] = claims
    return redirect(url_for("voting.vote", round_id=round_.id), code=303)


@bp.route("/rounds/<int:round_id>/vote/done")
def done(round_id: int):
    """The receipt and the choices, shown once; afterwards only what the account may see."""
    round_ = visible_round_or_404(round_id)
    shown = session.pop(RECEIPT, None)
    ballot = None
    if isinstance(shown, dict) and shown.get("round_id") == round_.id:
        ballot = get_or_none(Ballot, shown.get("ballot_id"))
    if ballot is None or ballot.round_id != round_.id:
        shown = None
        identity, _reason = _identity(round_)
        ballot = services.current_ballot(round_, identity) if identity else None
    if ballot is None:
        return redirect(url_for("voting.vote", round_id=round_.id))
    choices = sorted(ballot.choices, key=lambda c: (c.rank or 0, -(c.points or 0),
                                                    c.proposal.title))
    receipt = services.display_receipt(shown["receipt"]) if shown else None
    return render_template(
        "voting/done.html", round=round_, ballot=ballot, choices=choices, receipt=receipt,
        replaced_same_details=bool(shown and shown.get("replaced")),
        can_change=_user() is not None
        and ballot.voter.account_key == keys.account_key(round_.id, _user().id),
        emailed=bool(receipt and _user() is not None)), 200, NO_STORE


@bp.route("/rounds/<int:round_id>/vote/finish", methods=["POST"])
def finish(round_id: int):
    """Forget a voting code (and any receipt not yet shown) on this device."""
    round_ = visible_round_or_404(round_id)
    _forget_code(round_)
    session.pop(RECEIPT, None)
    flash(_("Done. This device has forgotten your voting code."), "success")
    return redirect(url_for("main.round_detail", round_id=round_.id), code=303)


@bp.route("/rounds/<int:round_id>/receipts", methods=["GET", "POST"])
def receipts(round_id: int):
    """The counted ballots' fingerprints; a receipt code is checked by POST, so the code
    stays out of addresses, browser history and server logs."""
    round_ = visible_round_or_404(round_id)
    query = (request.form.get("receipt") or "").strip()[:60] if request.method == "POST" else ""
    error = (_("Enter the receipt code from the page shown after you voted (or from its email).")
             if request.method == "POST" and not query else None)
    found = services.look_up_receipt(round_, query) if query else None
    listing = services.receipt_page(
        round_, (request.args.get("fingerprint") or "")[:64],
        after=(request.args.get("after") or "")[:64],
        before=(request.args.get("before") or "")[:64])
    return render_template("voting/receipts.html", round=round_, query=query, found=found,
                           listing=listing, error=error,
                           looked_up_hash=codes.receipt_hash(query) if query else None), \
        400 if error else 200, NO_STORE


# The officers' pages hang on this blueprint too.
from pb.voting import staff_views  # noqa: E402,F401
