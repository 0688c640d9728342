"""Scrutiny: the public programme dashboard (money, results, KPIs, value for money,
turnout and equality monitoring with small numbers suppressed), its SVG charts and
CSV downloads, and the scrutiny role's read-only view of non-public decisions."""
