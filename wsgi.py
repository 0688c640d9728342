"""WSGI entry point: ``gunicorn wsgi:app``."""

from pb import create_app

app = create_app()
