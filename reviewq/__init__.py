"""reviewq: a real human review step between AI systems and the world."""

from __future__ import annotations

import os
import time
from pathlib import Path
from typing import Any

from flask import Flask, request
from flask_login import LoginManager
from flask_wtf import CSRFProtect
from sqlalchemy import event
from sqlalchemy.engine import Engine
from sqlalchemy.exc import DisconnectionError

from . import config, dberrors, jobqueue
from .extensions import db, db_session, migrate

ROOT = Path(__file__).resolve().parent.parent


def _tune_sqlite(engine: Engine) -> None:
    """Make SQLite safe with several processes: WAL, FK checks, and writers that queue.

    Each transaction starts with BEGIN IMMEDIATE, so two writers wait for each other
    (busy_timeout) instead of failing when a read lock cannot be upgraded.
    """

    @event.listens_for(engine, "connect")
    def on_connect(dbapi_connection: Any, _record: Any) -> None:
        dbapi_connection.isolation_level = None  # we issue BEGIN ourselves
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute("PRAGMA busy_timeout=30000")
        cursor.close()

    @event.listens_for(engine, "begin")
    def on_begin(connection: Any) -> None:
        connection.exec_driver_sql("BEGIN IMMEDIATE")


def _ping_when_idle(engine: Engine, idle_seconds: float) -> None:
    """Check a pooled connection before use only when it sat idle past ``idle_seconds``.

    SQLAlchemy's ``pool_pre_ping`` pings on every checkout: one more round trip on every
    request. A connection used moments ago is taken as is; one that idled (the database may
    have restarted meanwhile) is pinged and, when dead, replaced before the request uses it.
    A connection that dies mid-use still fails its statement (a 503 with Retry-After) and
    SQLAlchemy then empties the pool.
    """

    @event.listens_for(engine, "checkin")
    def on_checkin(_dbapi_connection: Any, record: Any) -> None:
        record.info["idle_since"] = time.monotonic()

    @event.listens_for(engine, "checkout")
    def on_checkout(dbapi_connection: Any, record: Any, _proxy: Any) -> None:
        since = record.info.get("idle_since", float("-inf"))
        if time.monotonic() - since <= idle_seconds:
            return
        try:
            engine.dialect.do_ping(dbapi_connection)
        except engine.dialect.loaded_dbapi.Error as exc:
            raise DisconnectionError() from exc  # the pool retries with a new connection


def create_app(test_config: dict[str, Any] | None = None) -> Flask:
    """Build the application: settings, extensions, blueprints, error mapping, CLI.

    Args:
        test_config: settings that replace the environment's (tests only).
    """
    app = Flask(
        __name__,
        instance_path=os.environ.get("REVIEWQ_INSTANCE_PATH") or str(ROOT / "instance"),
        template_folder=str(ROOT / "templates"),
        static_folder=str(ROOT / "static"),
    )
    try:
        app.config.update(config.from_environ(dict(os.environ), Path(app.instance_path)))
    except config.ConfigError as exc:
        raise SystemExit(f"reviewq: configuration error: {exc}") from None
    if test_config:
        app.config.update(test_config)
    # Whatever else is set: database errors and logs never carry statement parameters.
    app.config["SQLALCHEMY_ENGINE_OPTIONS"] = {
        **app.config.get("SQLALCHEMY_ENGINE_OPTIONS", {}),
        "hide_parameters": True,
    }
    Path(app.instance_path).mkdir(parents=True, exist_ok=True)

    db.init_app(app)
    jobqueue.init_app(app)
    migrate.init_app(app, db, directory=str(ROOT / "migrations"))
    csrf = CSRFProtect(app)
    login = LoginManager(app)
    login.login_view = "auth.login"
    login.login_message = "Please sign in to continue."

    from .models.types import utcnow
    from .services import auth, receiving

    # Each process's snapshots of the sources that send to it (services/receiving.py).
    app.extensions["reviewq.senders"] = receiving.Senders()

    @login.user_loader
    def load_user(token: str):
        user = auth.user_for_token(db_session, token, utcnow())
        if user is not None:
            user.session_token = token
        return user

    with app.app_context():
        if db.engine.dialect.name == "sqlite":
            _tune_sqlite(db.engine)
        _ping_when_idle(db.engine, app.config["DB_PING_IDLE_SECONDS"])
        dberrors.hide_data_in_errors(db.engine)

    from .web import (
        api,
        audit,
        audit_trail,
        canaries,
        deliveries,
        escalations,
        health,
        holds,
        my_decisions,
        notifications,
        oversight,
        people,
        policy_admin,
        preview,
        problems,
        qa,
        render,
        report_api,
        reports,
        requestlog,
        review,
        routing,
        search,
        sessions,
        source_admin,
        sources,
    )
    from .web import auth as auth_views

    app.url_map.converters.update(routing.CONVERTERS)  # ids and segments a row could hold

    app.register_blueprint(health.bp)
    app.register_blueprint(auth_views.bp)
    app.register_blueprint(review.bp)
    app.register_blueprint(my_decisions.bp)
    app.register_blueprint(preview.bp)
    app.register_blueprint(escalations.bp)
    app.register_blueprint(notifications.bp)
    app.register_blueprint(sources.bp)
    app.register_blueprint(deliveries.bp)
    app.register_blueprint(canaries.bp)
    app.register_blueprint(qa.bp)
    app.register_blueprint(oversight.bp)
    app.register_blueprint(reports.bp)
    app.register_blueprint(report_api.bp)
    app.register_blueprint(api.bp)
    app.register_blueprint(audit.bp)
    app.register_blueprint(policy_admin.bp)
    app.register_blueprint(audit_trail.bp)
    app.register_blueprint(people.bp)
    app.register_blueprint(source_admin.bp)
    app.register_blueprint(holds.bp)
    app.register_blueprint(search.bp)
    csrf.exempt(api.bp)  # the API authenticates by signature or bearer token, not cookies
    csrf.exempt(audit.bp)
    csrf.exempt(report_api.bp)  # bearer tokens, GET only
    problems.register(app)
    render.register(app)
    requestlog.register(app)
    app.session_interface = sessions.PagesOnly()

    @app.context_processor
    def navigation():
        from flask_login import current_user

        from .domain.authority import Permission, can
        from .services.notifications import unread_count
        from .web.access import current_actor

        if not current_user.is_authenticated:
            return {}
        actor = current_actor()
        return {
            "unread": unread_count(db_session, current_user.id),
            "nav_can": {p.value: can(actor, p) for p in Permission},
        }

    @app.after_request
    def security_headers(response):
        # AI content is untrusted: no inline script, no remote images or frames.
        response.headers.setdefault(
            "Content-Security-Policy",
            "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
            "object-src 'none'; base-uri 'none'; frame-ancestors 'none'; form-action 'self'",
        )
        response.headers.setdefault("X-Content-Type-Options", "nosniff")
        response.headers.setdefault("Referrer-Policy", "same-origin")
        if app.config.get("HSTS"):
            response.headers.setdefault("Strict-Transport-Security", app.config["HSTS"])
        # Pages show drafts and people: no copy in any cache, so the back button after
        # signing out shows nothing. Only the static files may be kept.
        if request.endpoint != "static":
            response.headers["Cache-Control"] = "no-store"
        return response

    from . import cli

    cli.register(app)
    return app
