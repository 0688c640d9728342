"""Open data about proposals (added to the /api/v1 blueprint)."""

from pb.api.views import bp  # noqa: F401
