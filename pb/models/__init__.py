"""The data model. Importing this package registers every table."""

from pb.models.audit import AuditEntry
from pb.models.base import utcnow
from pb.models.place import (
    Area,
    Organisation,
    OrganisationMember,
    Partnership,
    PostcodeCoverage,
    Theme,
    Ward,
    normalise_postcode,
)
from pb.models.proposal import Proposal
from pb.models.proposal import BudgetLine, ProposalDocument, ProposalOutcome, ProposalStatusChange, ProposalSupport, ProposalVersion  # noqa: E501,F401
from pb.models.round import Round, RoundWardBudget
from pb.models.user import LoginAttempt, Role, RoleAssignment, User, normalise_email
from pb.models.voting import Ballot, BallotChoice, Voter, VotingCode, VotingCodeAttempt, VotingCodeBatch  # noqa: E501,F401
from pb.models.result import RoundResult  # noqa: F401

__all__ = [
    "Area", "AuditEntry", "LoginAttempt", "Organisation", "OrganisationMember", "Partnership",
    "PostcodeCoverage", "Proposal", "Role", "RoleAssignment", "Round", "RoundWardBudget",
    "Theme", "User", "Ward", "normalise_email", "normalise_postcode", "utcnow",
]
