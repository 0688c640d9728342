"""The data model. Importing this package registers every table."""

from pb.models.audit import AuditEntry
from pb.models.base import utcnow
from pb.models.equality import EqualityResponse
from pb.models.event import (
    CheckIn,
    Event,
    EventProject,
    EventStaff,
    EventVote,
    KioskDevice,
    PaperBallot,
    PaperEntry,
    PaperWaiver,
)
from pb.models.grant import (
    Adjustment,
    Correction,
    FundingLine,
    Grant,
    GrantBudgetLine,
    InterestDeclaration,
    KpiTarget,
    Milestone,
    SavingsEstimate,
    Tranche,
)
from pb.models.job import Job
from pb.models.monitoring import (
    GrantDocument,
    MonitoringReturn,
    ReturnKpiActual,
    ReturnOutcome,
    ReturnPeople,
    ReturnReminder,
    ReturnSpend,
    SectionReview,
)
from pb.models.outbox import OutboxEmail
from pb.models.page import PublicPage
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
from pb.models.programme import Programme, ProgrammeKpi, UnitCost
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
from pb.models.round import Round, RoundThemeLimit, RoundWardBudget, WardCarryOver
from pb.models.scrutiny import AreaProfile, RoundInterest
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
    "Area", "AuditEntry", "Ballot", "BallotChoice", "BudgetLine", "EqualityResponse", "Job", "LoginAttempt", "OutboxEmail",
    "Organisation", "OrganisationMember", "Partnership", "PostcodeCoverage", "Proposal",
    "ProposalDocument", "ProposalOutcome", "ProposalStatusChange", "ProposalSupport",
    "ProposalVersion", "Role", "RoleAssignment", "Round", "RoundResult", "RoundThemeLimit", "RoundWardBudget", "Submission",
    "WardCarryOver", "Theme", "User", "UserSession", "Voter", "VotingCode", "VotingCodeAttempt", "VotingCodeBatch", "Ward",
    "normalise_email", "normalise_postcode", "utcnow",
    # Grants
    "Adjustment", "Correction", "FundingLine", "Grant", "GrantBudgetLine", "GrantDocument",
    "InterestDeclaration", "KpiTarget", "Milestone", "MonitoringReturn", "Programme",
    "ProgrammeKpi", "ReturnKpiActual", "ReturnOutcome", "ReturnPeople", "ReturnReminder",
    "ReturnSpend", "SavingsEstimate", "SectionReview", "Tranche", "UnitCost",
    # Decision days
    "CheckIn", "Event", "EventProject", "EventStaff", "EventVote", "KioskDevice",
    "PaperBallot", "PaperEntry", "PaperWaiver",
    # Scrutiny
    "AreaProfile", "RoundInterest",
    # Public-service pages
    "PublicPage",
]
