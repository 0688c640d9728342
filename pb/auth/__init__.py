"""Accounts: registration, email confirmation, signing in and out, passwords and profiles.

``services`` holds the account use cases, ``signin`` signing in (throttled), the
browser sessions and the emailed unlock link, ``tokens`` the signed links in emails.
"""

from pb.errors import DomainError


class AccountError(DomainError):
    """A request the user can fix; the message is shown to them."""
