"""Ballot secrecy at rest (issue 14 item 8): a copy of the voters and ballots tables does
not say whose ballot is whose. Voter slots hold keyed hashes (pb.voting.keys), so only
the server, with its secret, finds a person's slot again (to replace a changed ballot);
one slot per account still holds, and deleting an account still unlinks its slots."""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import func, select, text
from sqlalchemy.exc import IntegrityError

from pb.extensions import db
from pb.models.voting import BALLOT_COUNTED, Ballot, Voter, VotingCode
from pb.privacy.services import delete_account
from pb.voting import codes, keys, services
from pb.voting.identity import account_slot
from tests.factories import (
    PASSWORD,
    cast_as_code,
    cast_for,
    make_ballot_round,
    make_codes,
    make_voter,
)

DUMPED = ("voters", "ballots", "ballot_choices")


def _dump() -> dict[str, list[dict]]:
    """Every column of every row, as a database dump would have them."""
    return {table: [dict(row) for row in db.session.execute(
        text(f"SELECT * FROM {table}")).mappings()] for table in DUMPED}  # nosec B608


def _plain_links(dump: dict, people: dict[str, int], code_ids: list[int]) -> int:
    """Cells that name an account or a code: a "user:"/"code:" key, an account column, or
    a voter text value that is an id of theirs."""
    plain = {str(i) for i in [*people.values(), *code_ids]}
    return sum(_names_someone(table, column, value, plain)
               for table, rows in dump.items() for row in rows
               for column, value in row.items())


def _names_someone(table: str, column: str, value, plain: set[str]) -> bool:
    text_value = "" if value is None else str(value)
    if "user:" in text_value or "code:" in text_value:
        return True
    if table != "voters":
        return False
    return ("user" in column and value is not None) or text_value in plain \
        and isinstance(value, str)


def _code_id(code: str) -> int:
    return db.session.scalar(select(VotingCode.id).where(
        VotingCode.code_hash == codes.code_hash(codes.normalise_code(code))))


def _counted(round_, slot: Voter) -> int:
    return db.session.scalar(select(func.count()).select_from(Ballot).where(
        Ballot.voter_id == slot.id, Ballot.status == BALLOT_COUNTED))


@pytest.fixture
def voted(neighbourhood):
    """Real casts: an account (changed once), a code signed out, and a code signed in
    (changed once through the account)."""
    round_, projects = make_ballot_round(neighbourhood, voter_verification="account_or_code")
    maureen, sanjay = make_voter(1), make_voter(2)
    printed = make_codes(round_, neighbourhood.users["officer"], count=2)
    first = cast_for(round_, maureen, {projects[0].id: 1})
    cast_for(round_, maureen, {projects[1].id: 1}, replaces=first.ballot_id)
    cast_as_code(round_, printed[0], {projects[2].id: 1}, born=date(1977, 6, 3))
    claim = services.redeem_code(round_, printed[1], sanjay.postcode, sanjay.date_of_birth,
                                 "192.0.2.20", user=sanjay)
    identity = services.code_identity(round_, claim, sanjay)
    by_code = services.cast_ballot(round_, identity, services.build_paper(round_, identity),
                                   {projects[3].id: 1}, None)
    return round_, projects, maureen, sanjay, [_code_id(c) for c in printed], by_code


def test_a_dump_of_the_voting_tables_links_nobody_to_their_choices(voted, figure):
    round_, projects, maureen, sanjay, code_ids, by_code = voted
    # Sanjay comes back signed in: the server finds his code slot by his keyed account key.
    again = services.account_identity(round_, sanjay)
    assert again.channel == "code" and again.code_id == code_ids[1]
    services.cast_ballot(round_, again, services.build_paper(round_, again),
                         {projects[4].id: 1}, by_code.ballot_id)
    slots = db.session.scalars(select(Voter).where(Voter.round_id == round_.id)).all()
    assert len(slots) == 3 and all(_counted(round_, s) == 1 for s in slots)
    people = {"maureen": maureen.id, "sanjay": sanjay.id}
    dump = _dump()
    links = _plain_links(dump, people, code_ids)
    assert links == 0, dump["voters"]
    assert {r["voter_key"][:3] for r in dump["voters"]} == {keys.PREFIX}
    ballots = len(dump["ballots"])
    figure("ballot secrecy at rest", voter_slots=len(slots), ballots=ballots,
           plain_links_in_dump=links)
    print(f"voter slots: {len(slots)}, ballots: {ballots}, plain links in dump: {links}")

    # Nor do the ballots' form keys or the audit log join an account to a ballot.
    hashes = {r["receipt_hash"] for r in dump["ballots"]}
    assert db.session.scalar(text("SELECT count(*) FROM submissions WHERE action = "
                                  "'ballot.cast' AND user_id IS NOT NULL")) == 0
    entries = db.session.execute(text("SELECT after_json FROM audit_entries WHERE action "
                                      "LIKE 'ballot.%'")).scalars().all()
    assert len(entries) == ballots and not any(h in (e or "") for e in entries for h in hashes)

    # The counter would see the old form: one "user:<id>" slot is a plain link.
    db.session.add(Voter(round_id=round_.id, voter_key=f"user:{maureen.id}",
                         channel="account"))
    db.session.flush()
    assert _plain_links(_dump(), people, code_ids) == 1
    db.session.rollback()


def test_one_slot_per_account_still_holds(voted):
    round_, _projects, maureen, sanjay, _code_ids, _by_code = voted
    slot = account_slot(round_, sanjay)
    assert slot is not None and slot.channel == "code"
    assert keys.account_of(round_.id, slot.voter_key, slot.account_ref) == sanjay.id
    db.session.add(Voter(round_id=round_.id, voter_key=keys.account_key(round_.id, sanjay.id),
                         channel="account", account_key=keys.account_key(round_.id, sanjay.id)))
    with pytest.raises(IntegrityError):
        db.session.flush()
    db.session.rollback()
    # Keys are per round: the same person's slots in two rounds do not match in a dump.
    assert keys.account_key(round_.id, maureen.id) != keys.account_key(round_.id + 1,
                                                                       maureen.id)


def test_same_details_email_still_reaches_the_account_through_the_masked_id(voted,
                                                                           neighbourhood):
    round_, projects, maureen, _sanjay, _code_ids, _by_code = voted
    # A code given with Maureen's postcode and birthday replaces her account ballot,
    # and the server (only it) unmasks her account to tell her.
    [printed] = make_codes(round_, neighbourhood.users["officer"], count=1)
    cast = cast_as_code(round_, printed, {projects[0].id: 1},
                        postcode=maureen.postcode, born=maureen.date_of_birth)
    assert cast.replaced_same_details and cast.notify == [maureen.email]


def test_deleting_the_account_unlinks_its_slot(voted):
    round_, _projects, maureen, _sanjay, _code_ids, _by_code = voted
    key = keys.account_key(round_.id, maureen.id)
    delete_account(maureen, maureen, PASSWORD)
    slots = db.session.scalars(select(Voter).where(Voter.round_id == round_.id)).all()
    assert key not in {s.voter_key for s in slots} | {s.account_key for s in slots}
    assert maureen.id not in {keys.account_of(s.round_id, s.voter_key, s.account_ref)
                              for s in slots}
    assert db.session.scalar(select(func.count()).select_from(Ballot).where(
        Ballot.round_id == round_.id, Ballot.status == BALLOT_COUNTED)) == 3


def test_another_secret_makes_other_keys_and_finds_no_slot(app, voted):
    round_, _projects, maureen, _sanjay, _code_ids, _by_code = voted
    ours = keys.account_key(round_.id, maureen.id)
    assert account_slot(round_, maureen) is not None
    app.config["VOTER_KEY_SECRET"] = "a-different-server-secret-for-this-test"
    try:
        theirs = keys.account_key(round_.id, maureen.id)
        assert theirs != ours and theirs.startswith(keys.PREFIX)
        # Without pb's secret the slot cannot be found: a dump alone joins nothing.
        assert account_slot(round_, maureen) is None
    finally:
        del app.config["VOTER_KEY_SECRET"]
    assert account_slot(round_, maureen) is not None
    # The default secret is derived from SECRET_KEY with its own label, not SECRET_KEY.
    assert keys.secret() != str(app.config["SECRET_KEY"]).encode()
