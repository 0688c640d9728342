"""G3: once voting has opened, edits to the rules or the money are refused, also under load.

While residents vote, an officer's browser sends edits of the round at the same moment:
the budget, a ward's budget, the counting rule, the number of choices, who may vote and
how. Every one is refused (400, "Voting has opened"), none is stored or audited, and the
round's locked settings are as before. An edit of the description, which voting does not
lock, sent in the same storm is accepted: the refused forms are otherwise valid.
"""

from __future__ import annotations

import time

import pytest
from sqlalchemy import func, select

from tests.concurrency import storm
from tests.stress.conftest import Client, Ledger, run_load, size
from tests.web import form_fields

SIZE = size()
REPEATS = 3  # each edit, sent this many times at once


def _locked_settings(app, round_id: int) -> dict:
    from pb.extensions import db
    from pb.models import Round
    from pb.models.round import LOCKED_WHEN_VOTING

    with app.app_context():
        round_ = db.session.get(Round, round_id)
        settings = {name: getattr(round_, name) for name in LOCKED_WHEN_VOTING}
        settings["ward budgets"] = sorted((wb.ward_id, wb.budget_pence)
                                          for wb in round_.ward_budgets)
        db.session.remove()
    return settings


def _edits(form: dict) -> dict[str, dict]:
    ward_box = sorted(name for name in form if name.startswith("ward_budget_"))[0]
    return {
        "budget £50,000 to £60,000": {"budget": "60000.00"},
        "a ward budget of £5,000": {ward_box: "5000.00"},
        "counting rule to Method of Equal Shares": {"allocation_rule": "mes-cost-add1"},
        "at most 2 choices": {"ballot_max_choices": "2"},
        "accounts only": {"voter_verification": "account"},
        "minimum age 16": {"eligibility_min_age": "16"},
        "voting opens tomorrow": {"voting_open_at": "2099-01-01T09:00"},
    }


@pytest.mark.slow
@pytest.mark.parametrize("prepared", [(4, 0)], indirect=True, ids=["stress-db"])
def test_rule_and_budget_edits_after_opening_are_refused_under_load(prepared, gunicorn):
    from pb.extensions import db
    from pb.models import AuditEntry

    app, round_id = prepared.app, prepared.round_id
    before = _locked_settings(app, round_id)
    officer = Client(gunicorn.port).sign_in(prepared.officer)
    edit = f"/admin/rounds/{round_id}/edit"
    page = officer.get(edit)
    assert page.status == 200, page.text[:300]
    form = form_fields(page.text, containing="budget")
    edits = _edits(form)
    calls = [(name, {**form, **change}) for name, change in edits.items()
             for _ in range(REPEATS)]
    calls.append(("description (not locked)",
                  {**form, "description": "Community health projects for Macclesfield, "
                                          "chosen by residents at the Hurdsfield drop-ins."}))

    ledger = Ledger(prepared.tmp / "acknowledged.tsv", app)
    residents = [Client(gunicorn.port).sign_in(email) for email in prepared.voters]
    stop, threads = run_load(residents, prepared, ledger)
    try:
        while len(ledger.acked_at) < 8:  # voting is under way
            time.sleep(0.05)
        results = storm([lambda data=data: officer.post(edit, data) for _name, data in calls])
    finally:
        stop.set()
        for thread in threads:
            thread.join(timeout=60)

    answers = [(name, getattr(r, "status", repr(r))) for (name, _d), r in zip(calls, results,
                                                                               strict=True)]
    locked = [(name, status) for name, status in answers if name != "description (not locked)"]
    accepted = [a for a in locked if a[1] != 400]
    refused_text = [r.text for (name, _d), r in zip(calls, results, strict=True)
                    if name != "description (not locked)" and hasattr(r, "text")]
    with app.app_context():
        updates = db.session.scalar(select(func.count()).select_from(AuditEntry).where(
            AuditEntry.action == "round.updated"))
        db.session.remove()
    after = _locked_settings(app, round_id)
    print(f"\nedits after voting opened ({prepared.kind}): {len(locked)} locked edits "
          f"({len(edits)} kinds x {REPEATS}) sent at once during voting; accepted "
          f"{len(accepted)}, refused {len(locked) - len(accepted)}; ballots acknowledged "
          f"meanwhile {len(ledger.acked_at)}; description edit {answers[-1][1]}; "
          f"round.updated audit entries {updates}")
    assert accepted == [], accepted
    assert all("Voting has opened" in text for text in refused_text)
    assert answers[-1][1] == 302  # the control: a well-formed edit goes through
    assert updates == 1
    assert after == before
    assert not ledger.errors, ledger.errors
