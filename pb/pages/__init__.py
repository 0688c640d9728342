"""Public-service pages: the accessibility statement, contact, cookies and terms pages,
and the part of the privacy notice that names who to ask.

Each page has built-in text (``defaults``) that an administrator may replace from the
admin screens (``services.save_page``); the page then shows when it was last updated.
"""

from pb.errors import DomainError


class PageError(DomainError):
    """A problem with what was entered; ``field_errors`` says which field."""
