"""A round's decision days as open data: attendance, votes by channel, paper figures.

Counts only (never who voted, never a name); a draft round answers 404 whoever asks.
"""

from pb.api import bp
from pb.api.listing import rows_list
from pb.events import queries
from pb.loaders import published_round_or_404


@bp.route("/rounds/<int:round_id>/events")
def round_events(round_id: int):
    round_ = published_round_or_404(round_id)
    return rows_list("events", [queries.summary(e) for e in queries.events_of(round_)],
                     EVENT_COLUMNS)


EVENT_COLUMNS = ["id", "name", "date", "checked_in", "votes_by_channel", "paper"]
