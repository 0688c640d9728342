"""The easy-read summary of how a round's vote works (issue 16): a few short steps, each
with a picture, on the ballot page and on a printable page of its own.

Every sentence comes from the round's real settings (its ballot design and limits, its
money, its closing date and how results are published), so nothing in it can be false
for the round it describes.
"""

from __future__ import annotations

from dataclasses import dataclass

from pb.models import Round
from pb.voting.designs import SCORE_MAX, Rules, Section


@dataclass(frozen=True)
class EasyRead:
    """What the summary says about one round (read by templates/voting/_easy_read.html)."""

    round: Round
    rules: Rules
    score_max: int
    # The money a voter can spend, budget ballots only: one amount, or (for a ballot in
    # parts) the parts; ``ward_money`` when each ward has its own and no voter is known.
    money_pence: int | None
    sections: list[Section]
    ward_money: bool
    accepts_accounts: bool
    accepts_codes: bool

    @property
    def design(self) -> str:
        return self.rules.design

    @property
    def most(self) -> int | None:
        """The most projects a voter may choose, where the design has such a limit."""
        return self.rules.max_choices if self.design in ("approval", "budget", "points") else None

    @property
    def fewest(self) -> int:
        return self.rules.fewest if self.design != "ranking" else 1


def summary(round_: Round, sections: list[Section] | None = None) -> EasyRead:
    """The summary for ``round_``; ``sections`` are a voter's own ballot parts when known
    (the ballot page), else the money is described for every voter (the printable page)."""
    rules = Rules.of_round(round_)
    money, parts, ward_money = None, [], False
    if rules.design == "budget":
        if sections is not None:
            if len(sections) == 1:
                money = sections[0].limit_pence
            else:
                parts = list(sections)
        elif round_.has_ward_budgets:
            ward_money = True
        else:
            money = round_.budget_pence * (round_.ballot_budget_percent or 100) // 100
    verification = round_.voter_verification
    return EasyRead(round_, rules, SCORE_MAX, money, parts, ward_money,
                    accepts_accounts=verification in ("account", "account_or_code"),
                    accepts_codes=verification in ("code", "account_or_code"))
