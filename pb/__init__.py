"""pb: neighbourhood participatory budgeting.

This module stays import-light on purpose: ``python -m pb.allocation`` must start
without pulling in Flask or SQLAlchemy, so the application factory imports them
only when it is called.
"""

__version__ = "0.1.0"


def create_app(config=None):
    """Build the Flask application (``flask --app pb`` finds this factory)."""
    from pb.app import build_app

    return build_app(config)
