"""Personal data (UK GDPR): the privacy notice, a resident's copy of their data, deleting
an account without changing any result, and purging event check-in details and equality
answers after their retention period (``flask --app pb purge``)."""

from pb.errors import DomainError


class PrivacyError(DomainError):
    """A request about personal data that cannot be done as asked; the message says why."""
