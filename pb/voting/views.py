"""Voting pages: the ballot, voting codes, the receipt, the public receipt list, turnout."""

from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, request, session, url_for
from flask_login import current_user

from pb import links
from pb.extensions import db
from pb.htmx import render_page_or_fragment
from pb.loaders import visible_round_or_404
from pb.models import Round
from pb.policy import can_manage_round, can_see_turnout, require, role_required
from pb.voting import codes, services
from pb.voting.designs import (
    SCORE_MAX,
    Problems,
    check_ballot,
    describe_rules,
    read_choices,
    section_totals,
)
from pb.voting.forms import CodeBatchForm, CodeForm

bp = Blueprint("voting", __name__)

CLAIMS = "pb_vote_codes"  # session: {round id: {"code_id", "ward_id"}}
RECEIPT = "pb_vote_receipt"  # session: the receipt to show once on the confirmation page


@links.public
def _vote_links(round_, user):
    if round_.status == "voting":
        yield ("Vote now", url_for("voting.vote", round_id=round_.id))
    if round_.status in ("voting", "closed", "results"):
        yield ("Check your ballot was counted", url_for("voting.receipts", round_id=round_.id))


@links.staff
def _vote_staff_links(round_, user):
    if can_manage_round(user, round_):
        yield ("Voting codes", url_for("voting.code_batches", round_id=round_.id))
    if can_see_turnout(user, round_):
        yield ("Turnout", url_for("voting.turnout", round_id=round_.id))


def _user():
    return current_user._get_current_object() if current_user.is_authenticated else None


def _identity(round_: Round) -> tuple[services.Identity | None, str | None]:
    """The person voting (code redeemed in this session, or the account), or why not."""
    claim = session.get(CLAIMS, {}).get(str(round_.id))
    if claim:
        identity = services.code_identity(round_, claim, _user())
        if identity is not None:
            return identity, None
    if current_user.is_authenticated:
        try:
            return services.account_identity(round_, _user()), None
        except services.NotEligible as exc:
            return None, exc.message
    return None, None


def _start_page(round_: Round, reason: str | None, form: CodeForm | None = None,
                status: int = 200, problem: str | None = None):
    return render_template("voting/start.html", round=round_, reason=reason,
                           form=form or CodeForm(), problem=problem,
                           accepts_codes=round_.voter_verification in ("code", "account_or_code"),
                           accepts_accounts=round_.voter_verification in ("account",
                                                                          "account_or_code")
                           ), status


def _ballot_page(round_, identity, paper, choices, *, problems: Problems | None = None,
                 message: str | None = None, status: int = 200):
    current = services.current_ballot(round_, identity)
    return render_template(
        "voting/ballot.html", round=round_, paper=paper, choices=choices,
        problems=problems or Problems(), message=message, current=current,
        rules_text=describe_rules(paper.rules, paper.sections),
        totals=section_totals(paper.projects, paper.sections, choices), score_max=SCORE_MAX,
        ranks=range(1, paper.rules.ranks + 1)), status


def _choices_of(ballot) -> dict[int, int]:
    if ballot is None:
        return {}
    return {c.proposal_id: (c.rank or c.points or 1) for c in ballot.choices}


def _other_ward(source) -> int | None:
    try:
        return int(source.get("other_ward") or 0) or None
    except ValueError:
        return None


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

    choices, problems = read_choices(paper.rules, request.form, paper.ids)
    if "check" in request.form:  # "Check my total" / "Show projects" without JavaScript
        return _ballot_page(round_, identity, paper, choices)
    if problems:  # report the rest too, so the voter fixes everything in one go
        more = check_ballot(paper.rules, paper.projects, paper.sections, choices)
        problems.general += [m for m in more.general if m not in problems.general]
        for name, message in more.fields.items():
            problems.fields.setdefault(name, message)
        return _ballot_page(round_, identity, paper, choices, problems=problems, status=400)
    replaces = request.form.get("replaces", type=int) or None
    try:
        _ballot, receipt = services.cast_ballot(round_, identity, paper, choices, replaces)
    except services.BallotProblems as exc:
        return _ballot_page(round_, identity, paper, choices, problems=exc.problems, status=400)
    except services.AlreadyVoted as exc:
        current = services.current_ballot(round_, identity)
        return _ballot_page(round_, identity, paper, _choices_of(current), message=exc.message,
                            status=exc.status)
    except services.CodeError as exc:
        session.get(CLAIMS, {}).pop(str(round_.id), None)
        session.modified = True
        return _start_page(round_, None, problem=exc.message, status=exc.status)
    except services.VotingError as exc:
        return _ballot_page(round_, identity, paper, choices,
                            problems=Problems(general=[exc.message]), status=exc.status)
    session[RECEIPT] = {"round_id": round_.id, "receipt": receipt}
    return redirect(url_for("voting.done", round_id=round_.id), code=303)


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


@bp.route("/rounds/<int:round_id>/vote/code", methods=["POST"])
def redeem_code(round_id: int):
    round_ = visible_round_or_404(round_id)
    form = CodeForm()
    if not form.validate_on_submit():
        return _start_page(round_, None, form, 400)
    try:
        claim = services.redeem_code(round_, form.code.data, form.postcode.data,
                                     form.date_of_birth.data,
                                     request.remote_addr or "unknown", _user())
    except services.Throttled as exc:
        return _start_page(round_, None, form, exc.status, problem=exc.message)
    except services.VotingError as exc:
        target = getattr(form, exc.field, None) if exc.field else None
        if target is not None:
            target.errors = list(target.errors) + [exc.message]
            return _start_page(round_, None, form, exc.status)
        return _start_page(round_, None, form, exc.status, problem=exc.message)
    claims = dict(session.get(CLAIMS, {}))
    claims[str(round_.id)] = claim
    session[CLAIMS] = claims
    return redirect(url_for("voting.vote", round_id=round_.id), code=303)


@bp.route("/rounds/<int:round_id>/vote/done")
def done(round_id: int):
    round_ = visible_round_or_404(round_id)
    identity, _reason = _identity(round_)
    ballot = services.current_ballot(round_, identity) if identity else None
    if ballot is None:
        return redirect(url_for("voting.vote", round_id=round_.id))
    shown = session.pop(RECEIPT, None)
    receipt = shown["receipt"] if shown and shown.get("round_id") == round_.id else None
    choices = sorted(ballot.choices, key=lambda c: (c.rank or 0, -(c.points or 0),
                                                    c.proposal.title))
    return render_template("voting/done.html", round=round_, ballot=ballot, choices=choices,
                           receipt=services.display_receipt(receipt) if receipt else None,
                           emailed=bool(receipt and identity.email))


@bp.route("/rounds/<int:round_id>/vote/finish", methods=["POST"])
def finish(round_id: int):
    """Forget a voting code on this device (for shared computers at community hubs)."""
    round_ = visible_round_or_404(round_id)
    claims = dict(session.get(CLAIMS, {}))
    claims.pop(str(round_.id), None)
    session[CLAIMS] = claims
    flash("Done. This device has forgotten your voting code.", "success")
    return redirect(url_for("main.round_detail", round_id=round_.id), code=303)


@bp.route("/rounds/<int:round_id>/receipts")
def receipts(round_id: int):
    round_ = visible_round_or_404(round_id)
    query = (request.args.get("receipt") or "").strip()[:60]
    found = services.look_up_receipt(round_, query) if query else None
    return render_template("voting/receipts.html", round=round_, query=query, found=found,
                           hashes=services.counted_receipt_hashes(round_),
                           looked_up_hash=codes.receipt_hash(query) if query else None)


@bp.route("/rounds/<int:round_id>/turnout")
@role_required()
def turnout(round_id: int):
    round_ = db.get_or_404(Round, round_id)
    require(can_see_turnout(current_user, round_))
    return render_template("voting/turnout.html", round=round_, turnout=services.turnout(round_))


@bp.route("/rounds/<int:round_id>/codes", methods=["GET", "POST"])
@role_required()
def code_batches(round_id: int):
    round_ = db.get_or_404(Round, round_id)
    require(can_manage_round(current_user, round_))
    form = CodeBatchForm()
    status = 200
    if request.method == "POST":
        if form.validate_on_submit():
            try:
                batch, plain = services.generate_codes(round_, form.label.data, form.count.data,
                                                       _user())
            except services.VotingError as exc:
                target = getattr(form, exc.field or "", None)
                if target is not None:
                    target.errors = list(target.errors) + [exc.message]
                else:
                    form.form_errors.append(exc.message)
            else:
                response = render_template(
                    "voting/code_sheet.html", round=round_, batch=batch,
                    codes=[codes.display_code(c) for c in plain])
                return response, 200, {"Cache-Control": "no-store"}
        status = 400
    return render_template("voting/codes.html", round=round_, form=form,
                           batches=services.code_batches(round_)), status
