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
from pb.models.round import Round, RoundWardBudget
from pb.models.user import LoginAttempt, Role, RoleAssignment, User, normalise_email

__all__ = [
    "Area", "AuditEntry", "LoginAttempt", "Organisation", "OrganisationMember", "Partnership",
    "PostcodeCoverage", "Proposal", "Role", "RoleAssignment", "Round", "RoundWardBudget",
    "Theme", "User", "Ward", "normalise_email", "normalise_postcode", "utcnow",
]
