"""Voting: who may vote, their ballot paper, casting, voting codes, receipts and turnout.

Use cases live by subject: ``identity`` (who is voting, and their eligibility
fingerprint), ``redeem`` (entering a voting code, throttled), ``paper`` (what a
voter's ballot paper holds), ``casting`` (storing a ballot: one counted ballot per
person), ``code_batches`` (making codes and their printable sheet) and ``queries``
(receipts, turnout, counts). ``services`` gathers what other areas use. Refusals are
``VotingError`` subclasses.
"""

from flask_babel import gettext as _

from pb.errors import Conflict, DomainError


class VotingError(DomainError):
    """A refusal the voter can act on; ``message`` says what to do."""


class NotEligible(VotingError):
    status = 403


class VotingClosed(VotingError):
    status = 400


class AlreadyVoted(VotingError):
    status = Conflict.status


class CodeError(VotingError):
    status = 400


class BallotProblems(VotingError):
    def __init__(self, problems):
        super().__init__(_("Your ballot needs changing before it can be counted."))
        self.problems = problems
