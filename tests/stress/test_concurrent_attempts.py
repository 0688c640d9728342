"""G1, G2, G19: many attempts at once give exactly one counted ballot each, and no errors.

Against gunicorn with four worker processes (so the attempts race across processes, not
only threads), on SQLite and PostgreSQL:

* each resident, signed in, sends their ballot ``attempts`` times at the same moment from
  one session: half with the ballot page's own form key (a double click), half with keys
  of their own (other tabs). Exactly one ballot is stored; every attempt is answered
  with that ballot's receipt or "already voted" (409);
* each voting code is entered and voted with ``per_code`` times at the same moment, from
  as many devices: exactly one ballot is stored with it and the code is used once.

No answer is a 5xx, and the server never reports "database is locked".
"""

from __future__ import annotations

import random
import re
import time
from collections import Counter

import pytest
from sqlalchemy import func, select

from tests.concurrency import storm
from tests.factories import date_boxes
from tests.stress.conftest import (
    HOLDER_POSTCODE,
    Client,
    holder_born,
    new_key,
    receipt_hash_for,
    size,
)

SIZE = size()


def _timed(call, latencies: list):
    start = time.perf_counter()
    try:
        return call()
    finally:
        latencies.append(time.perf_counter() - start)


def _resident_storm(client: Client, round_id: int, projects: list[int], attempts: int,
                    latencies: list) -> tuple[list, dict]:
    page = client.get(f"/rounds/{round_id}/vote")
    assert page.status == 200, page.text[:300]
    own = re.search(r'name="submission" value="([^"]+)"', page.text).group(1)
    keys = [own if i % 2 == 0 else new_key() for i in range(attempts)]
    chosen = [projects[0], projects[2]]
    path = f"/rounds/{round_id}/vote"
    results = storm([lambda k=k: _timed(lambda: client.post(
        path, {"project": chosen, "submission": k}), latencies) for k in keys])
    return results, dict(enumerate(keys))


def _code_attempt(port: int, round_id: int, code: str, n: int, i: int, project: int,
                  latencies: list):
    kiosk = Client(port, address=f"10.{n // 250}.{n % 250}.{i % 250 + 1}")
    entered = kiosk.post(f"/rounds/{round_id}/vote/code", {
        "code": code, "postcode": HOLDER_POSTCODE, **date_boxes(holder_born(n))})
    if entered.status != 303:
        return entered.status, None, None
    key = new_key()
    cast = _timed(lambda: kiosk.post(f"/rounds/{round_id}/vote", {
        "project": [project], "submission": key}), latencies)
    return entered.status, cast.status, key


@pytest.mark.slow
@pytest.mark.parametrize("prepared", [(SIZE["voters"], SIZE["codes"])], indirect=True,
                         ids=["stress-db"])
def test_concurrent_attempts_give_one_ballot_each(prepared, gunicorn):
    from pb.extensions import db
    from pb.models import Ballot, User, Voter, VotingCode
    from pb.voting import keys as voter_keys

    app, round_id = prepared.app, prepared.round_id
    latencies: list = []
    statuses: Counter = Counter()
    errors: list = []
    acked: dict[str, set] = {}  # whose -> receipt hashes acknowledged to them
    began = time.monotonic()

    # Residents: one session each, many attempts at once.
    for email in prepared.voters:
        client = Client(gunicorn.port).sign_in(email)
        results, keys = _resident_storm(client, round_id, prepared.projects,
                                        SIZE["attempts"], latencies)
        for index, response in enumerate(results):
            if isinstance(response, Exception):
                errors.append(repr(response))
                continue
            statuses[response.status] += 1
            if response.status == 303:
                acked.setdefault(email, set()).add(receipt_hash_for(app, keys[index]))
            elif response.status != 409:
                errors.append(f"{email}: {response.status} {response.text[:200]}")

    # Voting codes: many devices at once per code.
    rng = random.Random(14)
    for n, code in enumerate(prepared.codes):
        project = rng.choice(prepared.projects)
        results = storm([lambda i=i, c=code, n=n, p=project: _code_attempt(
            gunicorn.port, round_id, c, n, i, p, latencies) for i in range(SIZE["per_code"])])
        for result in results:
            if isinstance(result, Exception):
                errors.append(repr(result))
                continue
            entered, cast, key = result
            statuses[f"code {entered}"] += 1
            if cast is not None:
                statuses[f"cast {cast}"] += 1
            if cast == 303:
                acked.setdefault(code, set()).add(receipt_hash_for(app, key))
            elif entered >= 500 or (cast or 0) >= 500:
                errors.append(f"{code}: {entered} {cast}")
    seconds = time.monotonic() - began

    with app.app_context():
        # Slots hold keyed hashes, not account ids: the test holds the server's secret.
        by_key = {voter_keys.account_key(round_id, user_id): email
                  for user_id, email in db.session.execute(
                      select(User.id, User.email).where(User.email.in_(prepared.voters)))}
        rows = db.session.execute(
            select(Voter.account_key, Ballot.status, Ballot.receipt_hash)
            .join(Ballot, Ballot.voter_id == Voter.id)
            .where(Voter.round_id == round_id, Voter.account_key.in_(list(by_key)))).all()
        per_voter = dict(Counter(by_key[key] for key, _, _ in rows))
        counted = {by_key[key]: receipt for key, status, receipt in rows if status == "counted"}
        code_ballots = db.session.scalar(select(func.count()).select_from(Ballot).where(
            Ballot.channel == "code"))
        code_counted = set(db.session.scalars(select(Ballot.receipt_hash).where(
            Ballot.channel == "code", Ballot.status == "counted")))
        used = db.session.scalar(select(func.count()).select_from(VotingCode).where(
            VotingCode.used_at.is_not(None)))
        stored = db.session.scalar(select(func.count()).select_from(Ballot))
        db.session.remove()

    attempts = len(prepared.voters) * SIZE["attempts"] + len(prepared.codes) * SIZE["per_code"]
    acknowledged = sum(n for k, n in statuses.items() if k in (303, "cast 303"))
    expected = len(prepared.voters) + len(prepared.codes)
    duplicates = stored - expected
    server = gunicorn.problems()
    ordered = sorted(latencies)
    p95 = ordered[int(0.95 * (len(ordered) - 1))] * 1000 if ordered else 0
    print(f"\nconcurrent attempts ({prepared.kind}, {SIZE['name']}): "
          f"{len(prepared.voters)} residents x {SIZE['attempts']} + {len(prepared.codes)} codes "
          f"x {SIZE['per_code']} = {attempts:,} attempts in {seconds:.0f} s; "
          f"acknowledged {acknowledged:,}, stored {stored}, duplicates {duplicates}, "
          f"errors {len(errors)}, 'database is locked' {server['database is locked']}; "
          f"ballot POST p95 {p95:.0f} ms; answers {dict(sorted(statuses.items(), key=str))}")

    assert not errors, errors[:5]
    assert server == {"database is locked": 0, "tracebacks": 0}, gunicorn.log.read_text()[-3000:]
    assert per_voter == dict.fromkeys(prepared.voters, 1)
    # Every 303 a resident received acknowledged the one ballot that counts.
    assert {e: {counted[e]} for e in prepared.voters} == acked_of(acked, prepared.voters)
    assert code_ballots == used == len(prepared.codes) == len(code_counted)
    assert set().union(*(acked[c] for c in prepared.codes)) == code_counted
    assert all(len(acked[c]) == 1 for c in prepared.codes)
    assert stored == expected


def acked_of(acked: dict, whose: list) -> dict:
    return {w: acked.get(w, set()) for w in whose}
