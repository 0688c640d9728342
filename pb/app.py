"""The application factory (reached through ``pb.create_app``)."""

from __future__ import annotations

import os
from pathlib import Path

from flask import Flask, g, request
from werkzeug.middleware.proxy_fix import ProxyFix
from werkzeug.routing import IntegerConverter

from pb import config as config_module
from pb.database import configure_sqlite, is_sqlite, write_intent
from pb.extensions import csrf, db, login_manager, migrate

ROOT = Path(__file__).resolve().parent.parent
SAFE_METHODS = {"GET", "HEAD", "OPTIONS"}


class DatabaseIdConverter(IntegerConverter):
    def __init__(self, map, *args, **kwargs):
        kwargs.setdefault("max", 2**31 - 1)
        super().__init__(map, *args, **kwargs)


def build_app(config: dict | None = None) -> Flask:
    app = Flask(
        "pb",
        instance_path=os.environ.get("PB_INSTANCE_PATH", str(ROOT / "instance")),
        instance_relative_config=True,
        template_folder=str(ROOT / "templates"),
        static_folder=str(ROOT / "static"),
    )
    load_config(app, config)
    # Ids in URLs beyond a database integer are simply "not found" (PostgreSQL would
    # otherwise raise on them).
    app.url_map.converters["int"] = DatabaseIdConverter
    init_extensions(app)
    register_blueprints(app)

    from pb import cli, errors, i18n, jobs, limits, templating, web_security

    errors.init_app(app)
    limits.init_app(app)
    jobs.init_app(app)
    i18n.init_app(app)
    templating.init_app(app)
    web_security.init_app(app)
    cli.init_app(app)
    if app.config["PROXY_COUNT"]:
        count = int(app.config["PROXY_COUNT"])
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=count, x_proto=count, x_host=count)
    return app


def load_config(app: Flask, config: dict | None) -> None:
    app.config.from_object(config_module.Config)
    app.config.from_pyfile("config.py", silent=True)
    app.config.update(config_module.env_overrides())
    if config:
        app.config.update(config)

    Path(app.instance_path).mkdir(parents=True, exist_ok=True)
    if not app.config.get("SQLALCHEMY_DATABASE_URI"):
        app.config["SQLALCHEMY_DATABASE_URI"] = "sqlite:///" + str(
            Path(app.instance_path) / "pb.sqlite"
        )
    app.config["SQLALCHEMY_DATABASE_URI"] = config_module.normalise_database_url(
        app.config["SQLALCHEMY_DATABASE_URI"]
    )
    if not app.config.get("SECRET_KEY"):
        app.config["SECRET_KEY"] = config_module.instance_secret_key(app.instance_path)
    if app.config["PREFERRED_URL_SCHEME"] == "https":
        app.config["SESSION_COOKIE_SECURE"] = True
        app.config["REMEMBER_COOKIE_SECURE"] = True


def init_extensions(app: Flask) -> None:
    db.init_app(app)
    migrate.init_app(app, db, directory=str(ROOT / "migrations"))
    csrf.init_app(app)
    login_manager.init_app(app)
    login_manager.login_view = "auth.login"
    login_manager.login_message = "Please sign in to see that page."
    login_manager.login_message_category = "info"
    login_manager.session_protection = "strong"

    import pb.models  # noqa: F401  (registers every table on the metadata)
    from pb.auth.signin import load_user

    login_manager.user_loader(load_user)

    with app.app_context():
        if is_sqlite(db.engine):
            configure_sqlite(db.engine, app.config["SQLITE_BUSY_TIMEOUT_MS"])

    @app.before_request
    def _mark_write_requests():
        g._write_token = write_intent.set(request.method not in SAFE_METHODS)

    @app.teardown_request
    def _clear_write_mark(_exc):
        token = g.pop("_write_token", None)
        if token is not None:
            write_intent.reset(token)


def register_blueprints(app: Flask) -> None:
    from pb import api
    from pb.admin.views import bp as admin_bp
    from pb.auth.views import bp as auth_bp
    from pb.events.views import bp as events_bp
    from pb.grants.views import bp as grants_bp
    from pb.main.views import bp as main_bp
    from pb.opendata.views import bp as opendata_bp
    from pb.pages.views import bp as pages_bp
    from pb.privacy.views import bp as privacy_bp
    from pb.proposals.views import bp as proposals_bp
    from pb.results.views import bp as results_bp
    from pb.scrutiny.views import bp as scrutiny_bp
    from pb.voting.views import bp as voting_bp

    app.register_blueprint(main_bp)
    app.register_blueprint(auth_bp, url_prefix="/account")
    app.register_blueprint(admin_bp, url_prefix="/admin")
    api.init_app(app)
    # These areas hang their pages under /rounds/<id>/... and /proposals/<id>/...
    app.register_blueprint(proposals_bp)
    app.register_blueprint(voting_bp)
    app.register_blueprint(results_bp)
    app.register_blueprint(grants_bp)  # /grants/..., /programmes/...
    app.register_blueprint(events_bp)  # /rounds/<id>/events, /events/..., /kiosk
    app.register_blueprint(scrutiny_bp, url_prefix="/scrutiny")
    app.register_blueprint(opendata_bp)  # /open-data, /open-data/api
    app.register_blueprint(privacy_bp)  # /privacy, /account/data...
    app.register_blueprint(pages_bp)  # /accessibility, /contact, /cookies, /terms, /favicon.ico
