"""Results: the tally, certification, overrides and publication."""
