"""Decision days: in-person events where residents check in, hear the pitches and vote.

Use cases live by subject: ``setup`` (an event, its agenda and staff on duty),
``devices`` (tablets enrolled as kiosks), ``desk`` (check-in and handing out codes),
``kiosk`` (voting on a tablet), ``paper`` (paper ballots keyed twice, the
reconciliation queue), ``reconciliation`` (what is pending before the count, and an
officer's recorded reason to count anyway), ``live`` (the projector screen and the
reveal), ``printing`` (code cards with a QR code, A4 paper ballots) and ``queries``
(counts for the desk, the live screen, the report and the API). Every ballot is cast
through ``pb.voting.services.cast_ballot``: one code is one ballot, whatever the channel.
"""

from pb.errors import Conflict, DomainError


class EventError(DomainError):
    """A refusal the person at the desk can act on; ``message`` says what to do."""


class EventConflict(EventError):
    status = Conflict.status
