"""The progress page of a background job (polled by htmx; refreshes itself without it)."""

from __future__ import annotations

from flask import Blueprint, abort, current_app, url_for
from flask_login import current_user

from pb import policy
from pb.htmx import render_page_or_fragment
from pb.loaders import job_or_404
from pb.models.base import utcnow
from pb.policy import role_required

bp = Blueprint("jobs", __name__)


@bp.route("/jobs/<job_id>")
@role_required()
def progress(job_id: str):
    job = job_or_404(job_id)
    if not policy.can_follow_job(current_user, job):
        abort(404)
    from pb.jobs import TASKS

    task = TASKS.get(job.kind)
    result_url = None
    if job.status == "done" and task is not None and task.result_endpoint:
        result_url = url_for(task.result_endpoint, job_id=job.id)
    lost = job.worker_lost(utcnow(), current_app.config["JOB_TIMEOUT_SECONDS"])
    return render_page_or_fragment("jobs/progress.html", "jobs/_progress.html", job=job,
                                   result_url=result_url, lost=lost)
