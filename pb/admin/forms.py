"""Admin and round set-up forms."""

from __future__ import annotations

import re

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
            raise ValidationError("The amount cannot be negative.")
        if self.pence > MAX_PENCE:
            raise ValidationError(f"Enter an amount up to {format_pence(MAX_PENCE)}.")


def required_pounds(_form, field):
    if field.data is None or not str(field.data).strip():
        raise ValidationError("Enter an amount in pounds.")


class AreaForm(FlaskForm):
    name = StringField("Name", validators=[DataRequired("Enter a name."), Length(max=120)])
    description = TextAreaField("Description", validators=[Length(max=2000)])
    wards = TextAreaField(
        "Wards, one per line", validators=[DataRequired("List at least one ward.")],
        description="Optionally followed by the ONS code after a comma, e.g. "
                    "'Macclesfield Hurdsfield, E05008617'.")
    postcodes = TextAreaField(
        "Postcode districts and sectors covered, one per line",
        validators=[DataRequired("List the postcodes the area covers.")],
        description="A district (SK10) or sector (SK10 1), optionally followed by a colon and "
                    "the ward it lies in, e.g. 'SK10 1: Macclesfield Hurdsfield'.")

    def validate_postcodes(self, field):
        for number, line in enumerate((field.data or "").splitlines(), start=1):
            prefix = re.sub(r"\s+", " ", line.split(":", 1)[0].strip().upper())
            if line.strip() and not COVERAGE_RE.match(prefix):
                raise ValidationError(f"Line {number}: '{prefix}' is not a postcode district "
                                      "(SK10) or sector (SK10 1).")


class PartnershipForm(FlaskForm):
    name = StringField("Name", validators=[DataRequired("Enter a name."), Length(max=160)])
    area_id = SelectField("Area", coerce=int, validators=[DataRequired("Choose an area.")])
    contact_email = EmailField("Contact email (optional)", validators=[
        Optional(), Email("Enter an email address.", check_deliverability=False)])
    description = TextAreaField("Description", validators=[Length(max=2000)])


class ThemeForm(FlaskForm):
    name = StringField("Name", validators=[DataRequired("Enter a name."), Length(max=120)])
    description = TextAreaField("Description", validators=[Length(max=1000)])


class OrganisationForm(FlaskForm):
    name = StringField("Name", validators=[DataRequired("Enter a name."), Length(max=160)])
    kind = SelectField("Kind", choices=list(ORGANISATION_KINDS.items()))
    charity_number = StringField("Charity number (optional)", validators=[Optional(), Length(max=20)])
    company_number = StringField("Company number (optional)", validators=[Optional(), Length(max=20)])
    postcode = StringField("Postcode (optional)", validators=[Optional(), Length(max=10)])
    website = StringField("Website (optional)", validators=[Optional(), Length(max=200)])
    description = TextAreaField("Description", validators=[Length(max=2000)])

    def validate_website(self, field):
        if field.data and not field.data.startswith(("https://", "http://")):
            raise ValidationError("Enter a web address starting with https://.")


class RoleForm(FlaskForm):
    email = EmailField("Person's email address", validators=[DataRequired("Enter an email.")],
                       render_kw={"autocomplete": "off"})  # someone else's, not yours
    role = SelectField("Role", choices=[(r.value, label) for r, label in ROLE_LABELS.items()])
    partnership_id = SelectField("Partnership (for officers, event staff, grant officers)",
                                 coerce=int, validators=[Optional()])
    organisation_id = SelectField("Organisation (for grantees)", coerce=int,
                                  validators=[Optional()])



class RoundForm(FlaskForm):
    name = StringField("Name", validators=[DataRequired("Enter a name."), Length(max=160)])
    description = TextAreaField("Description", validators=[Length(max=5000)])
    partnership_id = SelectField("Partnership", coerce=int)
    is_published = BooleanField("Public (shown on the site)")
    budget = PoundsField("Budget (£)", validators=[required_pounds])
    min_project_cost = PoundsField("Smallest project cost (£, optional)")
    max_project_cost = PoundsField("Largest project cost (£, optional)")
    proposals_open_at = DateTimeLocalField("Proposals open", validators=[Optional()])
    proposals_close_at = DateTimeLocalField("Proposals close", validators=[Optional()])
    review_close_at = DateTimeLocalField("Review ends", validators=[Optional()])
    voting_open_at = DateTimeLocalField("Voting opens", validators=[Optional()])
    voting_close_at = DateTimeLocalField("Voting closes", validators=[Optional()])
    ballot_design = SelectField("Ballot design", choices=list(BALLOT_DESIGNS.items()))
    allocation_rule = SelectField(
        "How winners are chosen", choices=rule_choices(),
        description="The rule that turns the ballots into funded projects. The guide below "
                    "says what each does and which ballots each suits.")
    tie_break = SelectField(
        "When two projects tie", choices=tie_break_choices(),
        description="Ties are rare with many voters. A lottery is drawn from a seed you publish "
                    "with the round before voting opens, so anyone can check the draw.")
    lottery_seed = StringField(
        "Lottery seed (for a lottery tie-break)",
        description=f"Plain text of up to {LOTTERY_SEED_MAX} characters, published on the "
                    "round's page: for example the place and date of the draw, 'Town Hall "
                    "2 March 2027'.")
    ward_leftover = SelectField(
        "What happens to money a ward's own budget does not spend",
        choices=list(WARD_LEFTOVERS.items()), validate_choice=False,  # checked by the service
        description="Only for rounds with ward budgets. Pooling lets every unfunded project "
                    "compete for the leftovers, so less money goes unspent.")
    min_support_votes = IntegerField(
        "Votes a project needs to be funded (optional)",
        validators=[Optional(), NumberRange(min=1, max=1_000_000,
                                            message="Enter a number of votes from 1.")],
        description="A project with fewer votes is never funded, whatever money is left. "
                    "A project nobody voted for is never funded in any case.")
    min_support_percent = IntegerField(
        "Share of voters a project needs to be funded (%, optional)",
        validators=[Optional(), NumberRange(min=1, max=100,
                                            message="Enter a percentage from 1 to 100.")],
        description="For example 5: a project needs at least 5% of the people who voted. "
                    "With both a number and a share, a project needs both.")
    ballot_min_choices = IntegerField("Fewest projects a voter must choose",
                                      validators=[Optional(), NumberRange(min=0, max=200)])
    ballot_max_choices = IntegerField("Most projects a voter may choose",
                                      validators=[Optional(), NumberRange(min=1, max=200)])
    ballot_points_total = IntegerField("Points each voter shares out",
                                       validators=[Optional(), NumberRange(min=1, max=1000)])
    ballot_points_per_project_max = IntegerField("Most points on one project",
                                                 validators=[Optional(),
                                                             NumberRange(min=1, max=1000)])
    ballot_rank_length = IntegerField("How many projects a voter ranks",
                                      validators=[Optional(), NumberRange(min=1, max=50)])
    ballot_min_budget_percent = IntegerField(
        "Budget ballots: voters must use at least this % of their budget",
        validators=[Optional(), NumberRange(min=0, max=100)])
    ballot_budget_percent = IntegerField(
        "Budget ballots: each voter's budget as a % of the round's",
        default=100, validators=[Optional(), NumberRange(min=1, max=100)])
    eligibility_postcode = BooleanField("Voters must live, work or study in the area")
    eligibility_min_age = IntegerField("Minimum age (optional)",
                                       validators=[Optional(), NumberRange(min=0, max=120)])
    voter_verification = SelectField("Voters prove who they are with",
                                     choices=list(VOTER_VERIFICATION.items()))
    ward_ballot = SelectField("Where wards have their own budgets, voters see",
                              choices=list(WARD_BALLOTS.items()))
    supports_required = IntegerField("Supports a proposal needs to reach the ballot",
                                     default=0, validators=[Optional(),
                                                            NumberRange(min=0, max=100_000)])

    def validate_lottery_seed(self, field):
        if self.tie_break.data == LOTTERY:
            problem = lottery_seed_problem(field.data)  # also checks the length
            if problem:
                raise ValidationError(problem)

