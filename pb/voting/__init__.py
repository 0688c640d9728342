"""Voting: ballot designs, eligibility, voting codes, casting and receipts."""
