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
from pb.models.proposal import (
    BudgetLine,
    Proposal,
    ProposalDocument,
    ProposalOutcome,
    ProposalStatusChange,
    ProposalSupport,
    ProposalVersion,
)
from pb.models.result import RoundResult
from pb.models.round import Round, RoundWardBudget
from pb.models.submission import Submission
from pb.models.user import (
    LoginAttempt,
    Role,
    RoleAssignment,
    User,
    UserSession,
    normalise_email,
)
from pb.models.voting import (
    Ballot,
    BallotChoice,
    Voter,
    VotingCode,
    VotingCodeAttempt,
    VotingCodeBatch,
)

__all__ = [
    "Area", "AuditEntry", "Ballot", "BallotChoice", "BudgetLine", "LoginAttempt",
    "Organisation", "OrganisationMember", "Partnership", "PostcodeCoverage", "Proposal",
    "ProposalDocument", "ProposalOutcome", "ProposalStatusChange", "ProposalSupport",
    "ProposalVersion", "Role", "RoleAssignment", "Round", "RoundResult", "RoundWardBudget", "Submission",
    "Theme", "User", "UserSession", "Voter", "VotingCode", "VotingCodeAttempt", "VotingCodeBatch", "Ward",
    "normalise_email", "normalise_postcode", "utcnow",
]
