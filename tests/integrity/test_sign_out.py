"""Signing out ends the session on the server: copied cookies are dead (issue 8, item 2)."""

from __future__ import annotations

from sqlalchemy import func, select

from pb.extensions import db
from pb.models import Ballot, UserSession
from tests.factories import PASSWORD, make_ballot_round
from tests.integrity.conftest import sign_in, signed_in

DOMAIN = "pb.test"


def _copy(app, source, *names):
    """A second browser holding copies of ``source``'s cookies (as a thief would)."""
    thief = app.test_client()
    for name in names:
        cookie = source.get_cookie(name, domain=DOMAIN)
        assert cookie is not None, f"no {name} cookie to copy"
        thief.set_cookie(name, cookie.value, domain=DOMAIN)
    return thief


def test_a_session_cookie_copied_before_sign_out_is_dead_after_it(app, client,
                                                                  neighbourhood):
    resident = neighbourhood.users["resident"]
    round_, projects = make_ballot_round(neighbourhood)
    assert sign_in(client, resident.email).status_code == 302
    thief = _copy(app, client, "pb_session")
    assert signed_in(thief)  # the copy works while the person is signed in...
    assert client.post("/account/logout").status_code == 302
    # ...and not after: no account page, no profile change, no ballot.
    assert thief.get("/account/").status_code == 302
    changed = thief.post("/account/profile", data={"display_name": "Mallory",
                                                   "postcode": "SK10 2LH"})
    assert changed.status_code == 302 and "/account/login" in changed.location
    vote = thief.post(f"/rounds/{round_.id}/vote", data={"project": [projects[0].id]})
    assert vote.status_code == 403
    db.session.expire_all()
    assert resident.display_name == "Maureen"
    assert db.session.scalar(select(func.count()).select_from(Ballot)) == 0


def test_a_remember_cookie_alone_is_dead_after_sign_out(app, client, neighbourhood):
    resident = neighbourhood.users["resident"]
    assert sign_in(client, resident.email, remember="y").status_code == 302
    thief = _copy(app, client, "remember_token")
    assert signed_in(thief)  # the remember cookie alone signs in...
    client.post("/account/logout")
    fresh = app.test_client()
    fresh.set_cookie("remember_token", thief.get_cookie("remember_token", domain=DOMAIN).value,
                     domain=DOMAIN)
    assert not signed_in(fresh)  # ...until this browser signs out
    assert not signed_in(thief)


def test_signing_out_one_browser_leaves_the_others_signed_in(app, client, neighbourhood):
    resident = neighbourhood.users["resident"]
    phone = app.test_client()
    sign_in(client, resident.email)
    sign_in(phone, resident.email)
    client.post("/account/logout")
    assert not signed_in(client)
    assert signed_in(phone)


def test_sign_out_everywhere_ends_every_session(app, client, neighbourhood):
    resident = neighbourhood.users["resident"]
    phone = app.test_client()
    sign_in(client, resident.email)
    sign_in(phone, resident.email, remember="y")
    remembered = _copy(app, phone, "remember_token")
    client.post("/account/sign-out-everywhere")
    assert not signed_in(client) and not signed_in(phone) and not signed_in(remembered)
    assert db.session.scalar(select(func.count()).select_from(UserSession).where(
        UserSession.revoked_at.is_(None))) == 0


def test_a_cookie_from_before_sessions_were_kept_is_refused(app, client, neighbourhood):
    """Cookies naming only "id:version" (no session token) cannot be revoked: refused."""
    from flask.sessions import SecureCookieSessionInterface

    resident = neighbourhood.users["resident"]
    serializer = SecureCookieSessionInterface().get_signing_serializer(app)
    forged = serializer.dumps({"_user_id": f"{resident.id}:{resident.session_version}",
                               "_fresh": True})
    client.set_cookie("pb_session", forged, domain=DOMAIN)
    assert not signed_in(client)


def test_ended_sessions_are_cleared_away_at_the_next_sign_in(app, client, neighbourhood):
    resident = neighbourhood.users["resident"]
    for _ in range(5):
        sign_in(client, resident.email, PASSWORD)
        client.post("/account/logout")
    sign_in(client, resident.email)
    rows = db.session.scalars(select(UserSession).where(
        UserSession.user_id == resident.id)).all()
    assert len(rows) == 1 and rows[0].revoked_at is None
