"""Administration: places, partnerships, organisations, themes, people's roles and round set-up.

Use cases live by subject: ``places`` (areas, wards, partnerships, themes,
organisations), ``roles`` and ``rounds``. Each takes the acting person, checks
``pb.policy`` itself, and refuses with an ``AdminError`` (or ``NotAllowed``).
"""

from pb.errors import DomainError


class AdminError(DomainError):
    """A problem with what was entered; ``field_errors`` says which field."""
