"""The check-in desk: check a person in, hand them a code, count who has come."""

from __future__ import annotations

from flask import render_template

from pb import submissions
from pb.equality.forms import EqualityForm
from pb.errors import DomainError
from pb.events import desk, queries
from pb.events.desk import SameDetails
from pb.events.forms import CheckInForm
from pb.events.views import NO_STORE, actor, bp
from pb.forms import apply_errors
from pb.loaders import worked_event_or_404
from pb.policy import role_required


def _arrival(form: CheckInForm, equality: EqualityForm) -> desk.Arrival:
    return desk.Arrival(first_name=form.first_name.data, postcode=form.postcode.data,
                        age_band=form.age_band.data, hand=form.hand.data,
                        card_code=form.card_code.data or "", born=form.born.data,
                        different_person=form.different_person.data,
                        equality=equality.answers())


def _page(event, form, equality, *, done=None, warning=False, status=200):
    return render_template("events/desk.html", event=event, round=event.round, form=form,
                           equality=equality, done=done, warning=warning,
                           count=queries.checked_in(event)), status, NO_STORE


def _fresh():
    form = CheckInForm(formdata=None)
    form.submission.data = submissions.new_key()
    equality = EqualityForm(formdata=None, prefix="eq")
    equality.ward_id.choices = []
    return form, equality


@bp.route("/events/<int:event_id>/desk", methods=["GET", "POST"])
@role_required()
def desk_page(event_id: int):
    event = worked_event_or_404(event_id)
    form = CheckInForm()
    equality = EqualityForm(prefix="eq")
    equality.ward_id.choices = []
    if not form.is_submitted():
        return _page(event, *_fresh())
    if not (form.validate() & equality.validate()):
        return _page(event, form, equality, status=400)
    try:
        done = desk.check_in(actor(), event, _arrival(form, equality), form.submission.data)
    except DomainError as exc:
        apply_errors(form, exc)
        return _page(event, form, equality, warning=isinstance(exc, SameDetails),
                     status=exc.status)
    # The next person gets an empty form with a new key; what was done is shown above it.
    return _page(event, *_fresh(), done=done)
