"""`flask --app pb grants remind` with the clock moved: before the due date the grantee is
reminded once; after it the return is flagged to the officers (and the grantee) once."""

from __future__ import annotations

from datetime import date

from sqlalchemy import select

from pb.extensions import db
from pb.models import ReturnReminder
from tests.grants.helpers import decisions, submit_return

# Return 1 of the grant is due on 21 February 2026.


def _run(runner, outbox, day: date | None = None):
    before = len(outbox)
    args = ["grants", "remind"] + (["--date", day.isoformat()] if day else [])
    result = runner.invoke(args=args)
    assert result.exit_code == 0, result.output
    return result.output, outbox[before:]


def _to(messages):
    return sorted(m["To"] for m in messages)


def test_reminders_as_the_days_go_by(runner, outbox, neighbourhood, grant, clock):
    grantee, officers = neighbourhood.users["grantee"], [neighbourhood.users["grant_officer"],
                                                  neighbourhood.users["grant_officer2"]]
    clock(date(2026, 2, 13))  # 8 days before: nothing yet
    output, sent = _run(runner, outbox)
    assert sent == [] and "0 reminders before a due date" in output

    clock(date(2026, 2, 14))  # a week before: the grantee hears
    output, sent = _run(runner, outbox)
    assert _to(sent) == [grantee.email]
    assert "Reminder: your return 1 is due 21 February" in sent[0]["Subject"]
    assert "due soon: T-HurdsfieldD return 1" in output
    _, again = _run(runner, outbox)  # the cron runs twice: nothing new
    assert again == []

    clock(date(2026, 2, 21))  # due today: not overdue yet
    assert _run(runner, outbox)[1] == []

    clock(date(2026, 2, 22))  # overdue: the officers are told, and the grantee
    output, sent = _run(runner, outbox)
    assert _to(sent) == sorted([grantee.email] + [o.email for o in officers])
    assert "OVERDUE:  T-HurdsfieldD return 1" in output
    officer_mail = next(m for m in sent if m["To"] == officers[0].email)
    assert "1 day overdue" in officer_mail.get_content()
    assert "flagged on your grants desk" in officer_mail.get_content()
    clock(date(2026, 3, 30))
    assert _run(runner, outbox)[1] == []  # flagged once, not every day

    kinds = db.session.scalars(select(ReturnReminder.kind).order_by(ReturnReminder.id)).all()
    assert kinds == ["due:0", "overdue:0"]


def test_the_desk_flags_overdue_returns(client, sign_in, neighbourhood, grant, clock):
    clock(date(2026, 3, 1))
    sign_in(neighbourhood.users["grant_officer"])
    page = client.get("/grants/").get_data(as_text=True)
    assert "Overdue returns <span class=\"count\">1</span>" in page
    assert "8 days overdue" in page
    sign_in(neighbourhood.users["grantee"])
    page = client.get("/grants/mine").get_data(as_text=True)
    assert "Overdue since 21 February 2026" in page


def test_a_submitted_return_is_not_chased_and_a_sent_back_one_is(runner, outbox, neighbourhood, grant,
                                                                  clock):
    from pb.grants import reviews

    clock(date(2026, 2, 10))
    ret = grant.returns[0]
    submit_return(grant, ret, neighbourhood.users["grantee"])
    clock(date(2026, 2, 25))
    assert _run(runner, outbox)[1] == []
    reviews.review(grant, ret, neighbourhood.users["grant_officer2"],
                   decisions(kpis="Please give the volunteers' hours from the sign-in sheet."))
    assert ret.resubmit_by == date(2026, 3, 11)
    clock(date(2026, 3, 5))
    _, sent = _run(runner, outbox)
    assert _to(sent) == [neighbourhood.users["grantee"].email]
    assert "corrected return 1" in sent[0]["Subject"]
    clock(date(2026, 3, 12))
    _, sent = _run(runner, outbox)
    assert len(sent) == 3 and "Overdue return" in sent[0]["Subject"]


def test_the_date_option_and_a_bad_date(runner, outbox, neighbourhood, grant):
    output, sent = _run(runner, outbox, date(2026, 2, 15))
    assert len(sent) == 1 and "15 February 2026" in output
    bad = runner.invoke(args=["grants", "remind", "--date", "15/02/2026"])
    assert bad.exit_code != 0 and "YYYY-MM-DD" in bad.output
