"""Admin and round set-up forms."""

from __future__ import annotations

import re

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import (
    BooleanField,
    DateTimeLocalField,
    EmailField,
    IntegerField,
    SelectField,
    StringField,
    TextAreaField,
)
from wtforms.validators import DataRequired, Email, Length, NumberRange, Optional, ValidationError

from pb.models.place import COVERAGE_RE, ORGANISATION_KINDS
from pb.models.round import (
    BALLOT_DESIGNS,
    LOTTERY,
    LOTTERY_SEED_MAX,
    VOTER_VERIFICATION,
    WARD_BALLOTS,
    WARD_LEFTOVERS,
    lottery_seed_problem,
    rule_choices,
    tie_break_choices,
)
from pb.models.user import ROLE_LABELS
from pb.money import MAX_PENCE, MoneyError, format_pence, parse_pounds


class PoundsField(StringField):
    """Pounds and pence typed by a person; ``pence`` holds the parsed value."""

    pence: int | None = None

    def pre_validate(self, form):
        self.pence = None
        if self.data is None or not str(self.data).strip():
            return
        try:
            self.pence = parse_pounds(str(self.data))
        except MoneyError as exc:
            raise ValidationError(str(exc)) from exc
        if self.pence < 0:
            raise ValidationError(_("The amount cannot be negative."))
        if self.pence > MAX_PENCE:
            raise ValidationError(_("Enter an amount up to %(amount)s.",
                                    amount=format_pence(MAX_PENCE)))


def required_pounds(_form, field):
    if field.data is None or not str(field.data).strip():
        raise ValidationError(_("Enter an amount in pounds."))


class AreaForm(FlaskForm):
    name = StringField(_l("Name"), validators=[DataRequired(_l("Enter a name.")), Length(max=120)])
    description = TextAreaField(_l("Description"), validators=[Length(max=2000)])
    wards = TextAreaField(
        _l("Wards, one per line"), validators=[DataRequired(_l("List at least one ward."))],
        description=_l("Optionally followed by the ONS code after a comma, e.g. "
                    "'Macclesfield Hurdsfield, E05008617'."))
    postcodes = TextAreaField(
        _l("Postcode districts and sectors covered, one per line"),
        validators=[DataRequired(_l("List the postcodes the area covers."))],
        description=_l("A district (SK10) or sector (SK10 1), optionally followed by a colon and "
                    "the ward it lies in, e.g. 'SK10 1: Macclesfield Hurdsfield'."))

    def validate_postcodes(self, field):
        for number, line in enumerate((field.data or "").splitlines(), start=1):
            prefix = re.sub(r"\s+", " ", line.split(":", 1)[0].strip().upper())
            if line.strip() and not COVERAGE_RE.match(prefix):
                raise ValidationError(_("Line %(number)d: '%(prefix)s' is not a postcode district "
                                        "(SK10) or sector (SK10 1).", number=number, prefix=prefix))


class PartnershipForm(FlaskForm):
    name = StringField(_l("Name"), validators=[DataRequired(_l("Enter a name.")), Length(max=160)])
    area_id = SelectField(_l("Area"), coerce=int, validators=[DataRequired(_l("Choose an area."))])
    contact_email = EmailField(_l("Contact email (optional)"), validators=[
        Optional(), Email(_l("Enter an email address."), check_deliverability=False)])
    description = TextAreaField(_l("Description"), validators=[Length(max=2000)])


class ThemeForm(FlaskForm):
    name = StringField(_l("Name"), validators=[DataRequired(_l("Enter a name.")), Length(max=120)])
    description = TextAreaField(_l("Description"), validators=[Length(max=1000)])


class OrganisationForm(FlaskForm):
    name = StringField(_l("Name"), validators=[DataRequired(_l("Enter a name.")), Length(max=160)])
    kind = SelectField(_l("Kind"), choices=list(ORGANISATION_KINDS.items()))
    charity_number = StringField(_l("Charity number (optional)"),
                                 validators=[Optional(), Length(max=20)])
    company_number = StringField(_l("Company number (optional)"),
                                 validators=[Optional(), Length(max=20)])
    postcode = StringField(_l("Postcode (optional)"), validators=[Optional(), Length(max=10)])
    website = StringField(_l("Website (optional)"), validators=[Optional(), Length(max=200)])
    description = TextAreaField(_l("Description"), validators=[Length(max=2000)])

    def validate_website(self, field):
        if field.data and not field.data.startswith(("https://", "http://")):
            raise ValidationError(_("Enter a web address starting with https://."))


class RoleForm(FlaskForm):
    email = EmailField(_l("Person's email address"),
                       validators=[DataRequired(_l("Enter an email."))],
                       render_kw={"autocomplete": "off"})  # someone else's, not yours
    role = SelectField(_l("Role"), choices=[(r.value, label) for r, label in ROLE_LABELS.items()])
    partnership_id = SelectField(_l("Partnership (for officers, event staff, grant officers)"),
                                 coerce=int, validators=[Optional()])
    organisation_id = SelectField(_l("Organisation (for grantees)"), coerce=int,
                                  validators=[Optional()])



class RoundForm(FlaskForm):
    name = StringField(_l("Name"), validators=[DataRequired(_l("Enter a name.")), Length(max=160)])
    description = TextAreaField(_l("Description"), validators=[Length(max=5000)])
    partnership_id = SelectField(_l("Partnership"), coerce=int)
    is_published = BooleanField(_l("Public (shown on the site)"))
    budget = PoundsField(_l("Budget (£)"), validators=[required_pounds])
    min_project_cost = PoundsField(_l("Smallest project cost (£, optional)"))
    max_project_cost = PoundsField(_l("Largest project cost (£, optional)"))
    proposals_open_at = DateTimeLocalField(_l("Proposals open"), validators=[Optional()])
    proposals_close_at = DateTimeLocalField(_l("Proposals close"), validators=[Optional()])
    review_close_at = DateTimeLocalField(_l("Review ends"), validators=[Optional()])
    voting_open_at = DateTimeLocalField(_l("Voting opens"), validators=[Optional()])
    voting_close_at = DateTimeLocalField(_l("Voting closes"), validators=[Optional()])
    ballot_design = SelectField(_l("Ballot design"), choices=list(BALLOT_DESIGNS.items()))
    allocation_rule = SelectField(
        _l("How winners are chosen"), choices=rule_choices(),
        description=_l("The rule that turns the ballots into funded projects. The guide below "
                    "says what each does and which ballots each suits."))
    tie_break = SelectField(
        _l("When two projects tie"), choices=tie_break_choices(),
        description=_l("Ties are rare with many voters. A lottery is drawn from a seed you publish "
                    "with the round before voting opens, so anyone can check the draw."))
    lottery_seed = StringField(
        _l("Lottery seed (for a lottery tie-break)"),
        description=_l("Plain text of up to %(max)d characters, published on the round's page: "
                       "for example the place and date of the draw, 'Town Hall 2 March 2027'.",
                       max=LOTTERY_SEED_MAX))
    ward_leftover = SelectField(
        _l("What happens to money a ward's own budget does not spend"),
        choices=list(WARD_LEFTOVERS.items()), validate_choice=False,  # checked by the service
        description=_l("Only for rounds with ward budgets. Pooling lets every unfunded project "
                    "compete for the leftovers, so less money goes unspent."))
    min_support_votes = IntegerField(
        _l("Votes a project needs to be funded (optional)"),
        validators=[Optional(), NumberRange(min=1, max=1_000_000,
                                            message=_l("Enter a number of votes from 1."))],
        description=_l("A project with fewer votes is never funded, whatever money is left. "
                    "A project nobody voted for is never funded in any case."))
    min_support_percent = IntegerField(
        _l("Share of voters a project needs to be funded (%, optional)"),
        validators=[Optional(), NumberRange(min=1, max=100,
                                            message=_l("Enter a percentage from 1 to 100."))],
        description=_l("For example 5: a project needs at least 5% of the people who voted. "
                    "With both a number and a share, a project needs both."))
    ballot_min_choices = IntegerField(_l("Fewest projects a voter must choose"),
                                      validators=[Optional(), NumberRange(min=0, max=200)])
    ballot_max_choices = IntegerField(_l("Most projects a voter may choose"),
                                      validators=[Optional(), NumberRange(min=1, max=200)])
    ballot_points_total = IntegerField(_l("Points each voter shares out"),
                                       validators=[Optional(), NumberRange(min=1, max=1000)])
    ballot_points_per_project_max = IntegerField(_l("Most points on one project"),
                                                 validators=[Optional(),
                                                             NumberRange(min=1, max=1000)])
    ballot_rank_length = IntegerField(_l("How many projects a voter ranks"),
                                      validators=[Optional(), NumberRange(min=1, max=50)])
    ballot_min_budget_percent = IntegerField(
        _l("Budget ballots: voters must use at least this % of their budget"),
        validators=[Optional(), NumberRange(min=0, max=100)])
    ballot_budget_percent = IntegerField(
        _l("Budget ballots: each voter's budget as a % of the round's"),
        default=100, validators=[Optional(), NumberRange(min=1, max=100)])
    eligibility_postcode = BooleanField(_l("Voters must live, work or study in the area"))
    eligibility_min_age = IntegerField(_l("Minimum age (optional)"),
                                       validators=[Optional(), NumberRange(min=0, max=120)])
    voter_verification = SelectField(_l("Voters prove who they are with"),
                                     choices=list(VOTER_VERIFICATION.items()))
    ward_ballot = SelectField(_l("Where wards have their own budgets, voters see"),
                              choices=list(WARD_BALLOTS.items()))
    supports_required = IntegerField(_l("Supports a proposal needs to reach the ballot"),
                                     default=0, validators=[Optional(),
                                                            NumberRange(min=0, max=100_000)])

    def validate_lottery_seed(self, field):
        if self.tie_break.data == LOTTERY:
            problem = lottery_seed_problem(field.data)  # also checks the length
            if problem:
                raise ValidationError(problem)

