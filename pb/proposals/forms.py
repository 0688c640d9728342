"""Proposal forms: shape only (the rules about money and rounds live in services)."""

from __future__ import annotations

import uuid

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.file import FileField
from werkzeug.datastructures import FileStorage
from wtforms import (
    FieldList,
    Form,
    FormField,
    HiddenField,
    RadioField,
    SelectField,
    SelectMultipleField,
    StringField,
    TextAreaField,
)
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, InputRequired, Length, Optional, ValidationError
from wtforms.widgets import CheckboxInput, ListWidget

from pb.models.proposal import OUTCOMES, Proposal
from pb.money import MoneyError, parse_pounds, pence_to_pounds_text
from pb.proposals import queries
from pb.proposals.validation import ProposalInput

BUDGET_ROWS = 8


def choices(pairs) -> list[SelectChoice]:
    """(value, label) pairs as WTForms choices."""
    return [SelectChoice(value, label) for value, label in pairs]


class MultiCheckboxField(SelectMultipleField):
    widget = ListWidget(prefix_label=False)
    option_widget = CheckboxInput()

    def pre_validate(self, form):
        # Unknown choices are reported by the service with a friendlier message.
        pass


class BudgetLineForm(Form):
    """One row of the budget: what it is for, and its cost in pounds and pence."""

    description = StringField(_l("What it is for"), validators=[Length(max=200)])
    amount = StringField(_l("Cost (£)"), validators=[Length(max=20)])

    pence: int | None = None

    def validate(self, extra_validators=None):
        ok = super().validate(extra_validators)
        self.pence = None
        text = (self.amount.data or "").strip()
        words = (self.description.data or "").strip()
        if not text and not words:
            return ok
        if not words:
            self.description.errors = [*self.description.errors,
                                       _("Say what this amount is for.")]
            ok = False
        if not text:
            self.amount.errors = [*self.amount.errors, _("Enter what this costs in pounds.")]
            return False
        try:
            self.pence = parse_pounds(text)
        except MoneyError as exc:
            self.amount.errors = [*self.amount.errors, str(exc)]
            return False
        if self.pence <= 0:
            self.amount.errors = [*self.amount.errors, _("Enter an amount above £0.")]
            return False
        return ok


class ProposalForm(FlaskForm):
    title = StringField(_l("Title"), validators=[
        DataRequired(_l("Give your proposal a short title.")),
        Length(min=5, max=120, message=_l("Keep the title between 5 and 120 characters."))])
    summary = StringField(_l("Summary in one line"), validators=[
        DataRequired(_l("Describe your idea in one line.")),
        Length(max=200, message=_l("Keep the summary under 200 characters."))],
        description=_l("For example: a weekly café where people living with dementia and their "
                    "carers can meet."))
    description = TextAreaField(_l("Full description"), validators=[
        DataRequired(_l("Describe what will happen, who it is for and how it will help.")),
        Length(max=10_000, message=_l("Keep the description under 10,000 characters."))],
        description=_l("What will happen, where, how often, and who will benefit. You can use "
                    "Markdown: **bold**, *italic*, lists, and links."))
    organisation_id = SelectField(_l("Who is putting it forward"), coerce=int, default=0,
                                  validate_choice=False,
                                  validators=[Optional()])
    where = RadioField(_l("Who it serves"), choices=choices([("wards", _l("People in particular wards")),
                                                         ("area", _l("The whole area"))]),
                       validators=[InputRequired(_l("Choose particular wards or the whole area."))])
    wards = MultiCheckboxField(_l("Wards"), coerce=int)
    themes = MultiCheckboxField(_l("Themes"), coerce=int)
    outcomes = MultiCheckboxField(_l("Outcomes it aims for"), choices=choices(OUTCOMES.items()))
    outcomes_other = StringField(_l("Another outcome (optional)"), validators=[
        Length(max=200, message=_l("Keep this under 200 characters."))])
    delivered_by = StringField(_l("Who will deliver it"), validators=[
        DataRequired(_l("Say who will run the project.")),
        Length(max=200, message=_l("Keep this under 200 characters."))],
        description=_l("The group, organisation or people who will run it."))
    lines = FieldList(FormField(BudgetLineForm), min_entries=BUDGET_ROWS,
                      max_entries=BUDGET_ROWS)
    image = FileField(_l("A picture (optional)"),
                      description=_l("A JPEG, PNG or WebP image up to 5 MB."))
    document = FileField(_l("A supporting document (optional)"),
                         description=_l("A PDF up to 5 MB, for example a quote or a letter of "
                                     "support."))
    reason = TextAreaField(_l("What did you change, and why?"), validators=[
        Length(max=2000, message=_l("Keep this under 2,000 characters."))])
    idempotency_key = HiddenField()

    def budget_lines(self) -> list[tuple[str, int]]:
        """The rows that hold a valid positive amount, as (description, pence)."""
        lines = []
        for row in self.lines:
            try:
                pence = parse_pounds(row.form.amount.data or "")
            except MoneyError:
                continue
            if pence > 0:
                lines.append(((row.form.description.data or "").strip(), pence))
        return lines

    def to_input(self) -> ProposalInput:
        """What was typed, as the services' input record."""
        area_wide = self.where.data == "area"
        paper = isinstance(self, PaperProposalForm)
        return ProposalInput(
            title=self.title.data or "", summary=self.summary.data or "",
            description=self.description.data or "", area_wide=area_wide,
            ward_ids=[] if area_wide else list(self.wards.data or []),
            theme_ids=list(self.themes.data or []), outcomes=list(self.outcomes.data or []),
            outcomes_other=self.outcomes_other.data or "",
            delivered_by=self.delivered_by.data or "",
            organisation_id=self.organisation_id.data or None, lines=self.budget_lines(),
            paper_name=(self.paper_name.data or "") if paper else "",
            paper_contact=(self.paper_contact.data or "") if paper else "",
            image=_file(self.image), document=_file(self.document))

    def set_choices(self, round_, proposer) -> None:
        """The round's wards, the themes, and the organisations ``proposer`` may speak for
        (any organisation on a paper form)."""
        paper = isinstance(self, PaperProposalForm)
        orgs = queries.all_organisations() if paper else queries.organisations_for(proposer)
        mine = _("No organisation (a resident)") if paper else _("Myself, as a resident")
        self.organisation_id.choices = choices([(0, mine)] + [(o.id, o.name) for o in orgs])
        self.wards.choices = choices((w.id, w.name) for w in round_.area.wards)
        self.themes.choices = choices((t.id, t.name) for t in queries.all_themes())

    def ensure_key(self) -> None:
        if not self.idempotency_key.data:
            self.idempotency_key.data = uuid.uuid4().hex

    def validate_idempotency_key(self, field):
        if field.data and (len(field.data) > 64 or not field.data.isalnum()):
            raise ValidationError(_l("Reload the page and try again."))


class PaperProposalForm(ProposalForm):
    """A proposal handed in on paper, typed in by staff."""

    paper_name = StringField(_l("Name of the person who handed it in"), validators=[
        DataRequired(_l("Enter the name of the person who handed in the proposal.")),
        Length(max=80)], render_kw={"autocomplete": "off"})  # theirs, not the staff member's
    paper_contact = StringField(_l("How to reach them: phone or address, kept private (optional)"),
                                validators=[Length(max=200)], render_kw={"autocomplete": "off"})


class ReviewForm(FlaskForm):
    action = SelectField(_l("Decision"), validators=[DataRequired(_l("Choose a decision."))])
    reason = TextAreaField(_l("Reason or comments"), validators=[Length(max=2000)])


class MergeForm(FlaskForm):
    target_id = SelectField(_l("Merge into"), coerce=int,
                            validators=[DataRequired(_l("Choose the proposal to merge into."))])
    reason = TextAreaField(_l("Why merge them"), validators=[
        DataRequired(_l("Say why these proposals are being merged.")), Length(max=2000)])


class WithdrawForm(FlaskForm):
    reason = TextAreaField(_l("Reason (optional for proposers)"), validators=[Length(max=2000)])


def initial_data(proposal: Proposal) -> dict:
    """A saved proposal as the edit form's starting values."""
    lines = [{"description": line.description,
              "amount": pence_to_pounds_text(line.amount_pence)}
             for line in proposal.budget_lines]
    lines += [{"description": "", "amount": ""}] * (BUDGET_ROWS - len(lines))
    return {
        "title": proposal.title, "summary": proposal.summary,
        "description": proposal.description,
        "organisation_id": proposal.organisation_id or 0,
        "where": "area" if proposal.is_area_wide else "wards",
        "wards": [w.id for w in proposal.wards], "themes": [t.id for t in proposal.themes],
        "outcomes": proposal.outcomes, "outcomes_other": proposal.outcomes_other,
        "delivered_by": proposal.delivered_by, "lines": lines[:BUDGET_ROWS],
        "paper_name": proposal.paper_proposer_name,
        "paper_contact": proposal.paper_proposer_contact,
    }


def _file(field) -> FileStorage | None:
    data = field.data
    if isinstance(data, FileStorage) and data.filename:
        return data
    return None
