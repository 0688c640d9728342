"""Open data about ballots and results (added to the /api/v1 blueprint).

- ``/rounds/<id>/results``: the certified result (404 until one is published);
- ``/rounds/<id>/ballots.pb``: every counted ballot, anonymised, in pabulib format with
  the round's metadata (once voting has closed), so anyone can recount;
- ``/rounds/<id>/receipts``: SHA-256 fingerprints of the counted ballots' receipts.
"""

from flask import Response, abort, jsonify, send_file

from pb.api import bp
from pb.api.listing import rows_list
from pb.loaders import published_round_or_404
from pb.results import services as results
from pb.results.ballots_stream import open_ballots_pb
from pb.voting import ballot_files
from pb.voting import services as voting

CERTIFIED_MAX_AGE = 24 * 3600  # a certified round's ballots never change


@bp.route("/rounds/<int:round_id>/results")
def round_results(round_id: int):
    round_ = published_round_or_404(round_id)
    result = results.result_for(round_)
    if result is None or not result.is_certified:
        abort(404)
    return jsonify(results.results_json(result, round_))


@bp.route("/rounds/<int:round_id>/ballots.pb")
def round_ballots_pb(round_id: int):
    round_ = published_round_or_404(round_id)
    if round_.status not in ("closed", "results"):
        abort(404)
    name = f"round-{round_.id}-ballots.pb"
    result = results.result_for(round_)
    if result is not None and result.is_certified:
        try:
            path = ballot_files.certified_file(
                round_.id, result.inputs_hash, lambda: open_ballots_pb(round_).pieces())
        except ValueError:
            path = None  # changed since certification: serve what is there now
        if path is not None:
            return send_file(path, mimetype="text/plain", as_attachment=True,
                             download_name=name, etag=result.inputs_hash, conditional=True,
                             max_age=CERTIFIED_MAX_AGE)
    # Read now, streamed from temporary files afterwards: constant memory, no database
    # connection held while a slow client downloads.
    text = open_ballots_pb(round_)
    response = Response(text.pieces(), mimetype="text/plain",
                        headers={"Content-Disposition": f'attachment; filename="{name}"'})
    response.call_on_close(text.close)  # also when the body is never read
    return response


@bp.route("/rounds/<int:round_id>/receipts")
def round_receipts(round_id: int):
    round_ = published_round_or_404(round_id)
    hashes = voting.counted_receipt_hashes(round_)
    return rows_list("receipt_hashes", hashes, ["receipt_hash"],
                     extra={"round_id": round_.id, "algorithm": "sha256",
                            "counted": len(hashes)})
