"""reviewq: a real human review step between AI systems and the world."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

from flask import Flask
from flask_login import LoginManager
from flask_wtf import CSRFProtect
from sqlalchemy import event
from sqlalchemy.engine import Engine

from . import config
from .extensions import db, migrate

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
    Path(app.instance_path).mkdir(parents=True, exist_ok=True)

    db.init_app(app)
    migrate.init_app(app, db, directory=str(ROOT / "migrations"))
    csrf = CSRFProtect(app)
    login = LoginManager(app)

    from . import models

    @login.user_loader
    def load_user(user_id: str) -> models.User | None:
        return db.session.get(models.User, int(user_id)) if user_id.isdigit() else None

    with app.app_context():
        if db.engine.dialect.name == "sqlite":
            _tune_sqlite(db.engine)

    from .web import api, health, problems

    app.register_blueprint(health.bp)
    app.register_blueprint(api.bp)
    csrf.exempt(api.bp)  # the API authenticates by signature or bearer token, not cookies
    problems.register(app)

    from . import cli

    cli.register(app)
    return app
