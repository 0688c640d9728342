"""What the grants forms offer, and the state a form is shown in.

The agreement, return and programme forms have repeated rows (budget lines, KPIs,
tranches...), so they are plain HTML forms read by the services (which report every
problem on its field); ``FormState`` carries the values as typed and the messages
back to the page, so a refused form comes back exactly as it was sent. CSRF is checked
for every POST by Flask-WTF's CSRFProtect.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

from flask_babel import lazy_gettext as _l

from pb.errors import DomainError
from pb.grants.agreements import ROWS
from pb.grants.programmes import KPI_ROWS, UNIT_COST_ROWS
from pb.grants.returns import FREQUENCIES
from pb.models.grant import ADJUSTMENT_KINDS, RAG_VALUES, RETURNED_KINDS, TRANCHE_CONDITIONS
from pb.models.monitoring import SECTIONS
from pb.models.place import ORGANISATION_KINDS
from pb.models.programme import AGGREGATIONS, FUNDING_ROUTES, KPI_UNITS, OUTCOMES

CORRECTION_KINDS = {"kpi": _l("A KPI figure"), "spend": _l("Spend on a budget line"),
                    "note": _l("A note")}

# The grant page's small forms and their fields. A form is named by its kind, with the row's
# id for a row's form ("release-12"); each field's control has the id "<form>-<field>", so
# the error summary links to it and the message beside it is tied to it.
GRANT_PAGE_FIELDS = {
    "rag": ("value", "reason", "until"), "release": ("paid_on", "reference"),
    "withhold": ("amount", "reason"), "money_back": ("kind", "amount", "on", "reason"),
    "milestone": ("met_on",), "correction": ("kind", "target_id", "delta", "reason"),
    "interest": ("nature",), "withdraw": ("reason",), "take_back": (),
}


@dataclass
class FormState:
    """A form's values (as typed) and its messages, keyed by field name."""

    values: dict[str, str] = field(default_factory=dict)
    errors: dict[str, str] = field(default_factory=dict)
    form: str = ""  # which of a page's forms the state belongs to

    @classmethod
    def posted(cls, form: Mapping, error: DomainError | None = None, name: str = ""):
        values = {key: form.get(key, "") for key in form if key != "csrf_token"}
        for key in form:
            if len(form.getlist(key)) > 1:
                values[key] = form.getlist(key)
        return cls(values, error.errors if error else {}, name)

    def value(self, name: str, default: str = "") -> str:
        value = self.values.get(name, default)
        return value if value is not None else default

    def chosen(self, name: str) -> list[str]:
        value = self.values.get(name, [])
        return value if isinstance(value, list) else [value]

    def error(self, name: str) -> str | None:
        return self.errors.get(name)

    # The grant page's small forms (``GRANT_PAGE_FIELDS``) ---------------------------------

    def page_fields(self) -> tuple[str, ...]:
        return GRANT_PAGE_FIELDS.get(self.form.split("-", 1)[0], ())

    def field_error(self, form: str, name: str) -> str | None:
        """The message for one field of the small form ``form``, if that form was refused."""
        return self.errors.get(name) if form == self.form and name in self.page_fields() else None

    def anchor(self, name: str) -> str:
        """Where the error summary links for an error: the field's control, else its form."""
        return f"{self.form}-{name}" if name in self.page_fields() else self.form

    def form_level(self) -> list[str]:
        """Messages about the refused small form as a whole (not about one field)."""
        fields = self.page_fields()
        return [text for name, text in self.errors.items() if name not in fields]


def choices() -> dict:
    """Everything the grants templates offer in selects and radios."""
    return {"frequencies": FREQUENCIES, "conditions": TRANCHE_CONDITIONS,
            "rag_values": RAG_VALUES, "returned_kinds": {k: ADJUSTMENT_KINDS[k]
                                                         for k in RETURNED_KINDS},
            "sections": SECTIONS, "organisation_kinds": ORGANISATION_KINDS,
            "aggregations": AGGREGATIONS, "funding_routes": FUNDING_ROUTES,
            "kpi_units": KPI_UNITS, "outcomes": OUTCOMES, "rows": ROWS,
            "kpi_rows": KPI_ROWS, "unit_cost_rows": UNIT_COST_ROWS,
            "correction_kinds": CORRECTION_KINDS}
