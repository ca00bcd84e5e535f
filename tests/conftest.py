"""Shared fixtures: the app on a real throwaway database (SQLite or PostgreSQL), clients,
a source and its owner. Helpers live in tests/support (the API kit in ``api``, sign-in in
``auth``); tests import them from there.

Isolation is by emptying the tables after each test rather than the savepoint recipe:
the suite also drives real concurrent connections and live servers, which must see
each other's committed rows.
"""

from __future__ import annotations

import contextvars
import os
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import flask_migrate
import pytest
import sqlalchemy as sa
from flask import Flask
from flask.testing import FlaskClient, FlaskCliRunner
from werkzeug.test import TestResponse

from reviewq import create_app
from reviewq.domain.authority import Actor
from reviewq.extensions import db
from reviewq.models import User
from reviewq.services import sources, users
from tests.support.api import SourceKit
from tests.support.services import (
    ServiceUnavailable,
    create_database,
    ensure_postgres,
    ensure_redis,
)

DEFAULT_PG = "postgresql+psycopg://127.0.0.1:5432/postgres"


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addoption(
        "--db",
        choices=("sqlite", "postgresql"),
        default=os.environ.get("REVIEWQ_TEST_DB", "sqlite"),
        help="database to run the suite on (PostgreSQL: TEST_DATABASE_URL names the server)",
    )


def pytest_report_header(config: pytest.Config) -> str:
    return f"reviewq database: {config.getoption('--db')}"


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    if config.getoption("--db") == "postgresql":
        once = pytest.mark.skip(reason="no database involved: run in the SQLite pass")
        for item in items:
            if "domain_only" in item.keywords:
                item.add_marker(once)
        return
    skip = pytest.mark.skip(reason="PostgreSQL only (run with --db=postgresql)")
    for item in items:
        if "postgres_only" in item.keywords:
            item.add_marker(skip)


@pytest.fixture(scope="session")
def pg_server(request: pytest.FixtureRequest) -> str | None:
    """The PostgreSQL server's admin URL (None on a SQLite run)."""
    if request.config.getoption("--db") == "sqlite":
        return None
    try:
        return ensure_postgres(os.environ.get("TEST_DATABASE_URL") or DEFAULT_PG)
    except ServiceUnavailable as exc:
        pytest.exit(str(exc), returncode=3)


def _throwaway_database(pg_server: str | None, folder: Path) -> tuple[str, Any]:
    if pg_server is None:
        return f"sqlite:///{folder / 'test.sqlite3'}", lambda: None
    return create_database(pg_server)


@pytest.fixture(scope="session")
def database_url(pg_server: str | None, tmp_path_factory: pytest.TempPathFactory):
    url, drop = _throwaway_database(pg_server, tmp_path_factory.mktemp("db"))
    yield url
    drop()


@pytest.fixture
def fresh_database_url(pg_server: str | None, tmp_path: Path):
    """An empty database of the run's kind, for migration tests."""
    url, drop = _throwaway_database(pg_server, tmp_path)
    yield url
    drop()


class IsolatedClient(FlaskClient):
    """A test client whose requests never share the test's app context.

    Flask reuses an active app context for requests to the same app, which would let a
    request see the test's ``g`` and database session. Running each request in an empty
    ``contextvars`` context gives it its own, as in production.
    """

    def open(self, *args: Any, **kwargs: Any) -> TestResponse:
        return contextvars.Context().run(super().open, *args, **kwargs)


@pytest.fixture(scope="session")
def app(database_url: str, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Flask]:
    os.environ["REVIEWQ_INSTANCE_PATH"] = str(tmp_path_factory.mktemp("instance"))
    # scrypt costs ~0.1 s a hash by design; the suite creates hundreds of users.
    User.password_method = "pbkdf2:sha256:1000"
    app = create_app(
        {
            "TESTING": True,
            "SQLALCHEMY_DATABASE_URI": database_url,
            # consequences at once, as most tests expect; the undo tests open a window
            "UNDO_SECONDS": 0,
        }
    )
    app.test_client_class = IsolatedClient
    with app.app_context():
        flask_migrate.upgrade()  # the schema comes from the migrations, as in production
    yield app
    with app.app_context():
        db.engine.dispose()


@pytest.fixture(autouse=True)
def _empty_tables(request: pytest.FixtureRequest) -> Iterator[None]:
    yield
    if "app" not in request.fixturenames:
        return
    app = request.getfixturevalue("app")
    # jobs the test started in-process (a callback seals the audit log first) end before
    # the tables are emptied: a TRUNCATE racing one of them deadlocks
    app.extensions["reviewq.jobs"].wait_idle()
    with app.app_context():
        db.session.remove()
        tables = [t.name for t in reversed(db.metadata.sorted_tables)]
        with db.engine.begin() as conn:
            if conn.dialect.name == "postgresql":
                conn.execute(sa.text(f"TRUNCATE {', '.join(tables)} RESTART IDENTITY CASCADE"))
            else:
                for name in tables:
                    conn.execute(sa.text(f"DELETE FROM {name}"))


@pytest.fixture
def ctx(app: Flask) -> Iterator[None]:
    """An app context, for tests that call services with ``db.session``."""
    with app.app_context():
        yield
        db.session.remove()


@pytest.fixture
def client(app: Flask) -> FlaskClient:
    return app.test_client()


@pytest.fixture
def runner(app: Flask) -> FlaskCliRunner:
    return app.test_cli_runner()


@pytest.fixture
def owner(ctx: None):
    user = users.create_user(
        db.session,
        Actor.system("test"),
        "owner@example.com",
        "Olive Owner",
        "admin",
        1,
        "correct-horse",
    )
    db.session.commit()
    return user


@pytest.fixture
def make_source(app: Flask, client: FlaskClient, owner):
    def make(slug: str = "support-bot", callback_url: str | None = None) -> SourceKit:
        new = sources.create_source(
            db.session,
            Actor.system("test"),
            slug,
            slug.title(),
            owner.email,
            callback_url,
            allow_private=True,
        )
        db.session.commit()
        return SourceKit(client, slug, new.secret, new.token)

    return make


@pytest.fixture
def source(make_source) -> SourceKit:
    return make_source()


@pytest.fixture
def data_dir() -> Path:
    return Path(__file__).parent / "data"


@pytest.fixture(scope="session")
def redis_url() -> str:
    """A real Redis: the local one, or a throwaway server started for the run."""
    try:
        return ensure_redis(os.environ.get("TEST_REDIS_URL") or "redis://127.0.0.1:6379/0")
    except ServiceUnavailable as exc:
        pytest.exit(str(exc), returncode=3)


@pytest.fixture
def make_app(app: Flask):
    """Build extra apps (other settings, extra routes); their connections close at the end."""
    made: list[Flask] = []

    def make(**config: Any) -> Flask:
        # TESTING keeps the embedded sweep thread off: a stray sweep from one test would
        # escalate another test's items.
        extra = create_app({"TESTING": True, **config})
        made.append(extra)
        return extra

    yield make
    for extra in made:
        extra.extensions["reviewq.jobs"].wait_idle()  # no job may outlive its engine
        with extra.app_context():
            db.engine.dispose()
