"""Grants: funded projects monitored through agreements, tranches and returns."""
