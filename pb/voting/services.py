"""What other areas use from voting (results, the API, the demo), gathered in one place.

Each name lives in the module of its use case; see ``pb.voting``.
"""

from pb.voting import (
    AlreadyVoted,
    BallotProblems,
    CodeError,
    NotEligible,
    VotingClosed,
    VotingError,
)
from pb.voting.casting import Cast, cast_ballot, display_receipt
from pb.voting.code_batches import MAX_BATCH, code_batches, generate_codes
from pb.voting.identity import (
    Identity,
    account_identity,
    age_on,
    check_place_and_age,
    code_identity,
    facts_hash,
)
from pb.voting.paper import Paper, ballot_proposals, build_paper, is_area_wide
from pb.voting.queries import (
    counted_receipt_hashes,
    current_ballot,
    look_up_receipt,
    receipt_page,
    replaced_counts,
    turnout,
)
from pb.voting.redeem import redeem_code

__all__ = [
    "AlreadyVoted", "BallotProblems", "Cast", "CodeError", "Identity", "MAX_BATCH",
    "NotEligible", "Paper", "VotingClosed", "VotingError", "account_identity", "age_on",
    "ballot_proposals", "build_paper", "cast_ballot", "check_place_and_age", "code_batches",
    "code_identity", "counted_receipt_hashes", "current_ballot", "display_receipt",
    "facts_hash", "generate_codes", "is_area_wide", "look_up_receipt", "receipt_page", "redeem_code",
    "replaced_counts", "turnout",
]
