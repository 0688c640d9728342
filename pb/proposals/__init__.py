"""Proposals: submitting, reviewing, supporting and browsing costed project ideas.

The area's routes outgrow one module, so the blueprint is made here and each view
module (``views``, ``edit_views``, ``review_views``) adds its routes to it;
``pb.proposals.views`` imports the others, so registering ``views.bp`` registers all.
"""

from flask import Blueprint

bp = Blueprint("proposals", __name__)
