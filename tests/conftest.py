"""Shared fixtures: the app on a real throwaway database (SQLite or PostgreSQL), clients,
and helpers that make users, sources and signed requests.

Isolation is by emptying the tables after each test rather than the savepoint recipe:
the suite also drives real concurrent connections and live servers, which must see
each other's committed rows.
"""

from __future__ import annotations

import contextvars
import json
import os
import re
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import flask_migrate
import pytest
import sqlalchemy as sa
from flask import Flask
from flask.testing import FlaskClient, FlaskCliRunner
from werkzeug.test import TestResponse

from reviewq import create_app
from reviewq.domain import signing
from reviewq.domain.authority import Actor
from reviewq.extensions import db
from reviewq.models import User
from reviewq.services import sources, users
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


@dataclass
class SourceKit:
    """A source with its one-time credentials, and helpers to call the API as it."""

    client: FlaskClient
    slug: str
    secret: str
    token: str

    def submit(
        self,
        payload: Any,
        *,
        msg_id: str | None = None,
        secret: str | None = None,
        at: datetime | None = None,
        raw: bytes | None = None,
        headers: dict[str, str] | None = None,
    ) -> TestResponse:
        body = raw if raw is not None else json.dumps(payload).encode()
        signed = signing.sign(
            secret or self.secret,
            msg_id or f"msg_{uuid.uuid4().hex}",
            body.decode("utf-8", "replace"),
            at or datetime.now(UTC),
        )
        return self.client.post(
            f"/api/v1/sources/{self.slug}/items",
            data=body,
            headers={**signed, "Content-Type": "application/json", **(headers or {})},
        )

    def get(self, path: str, token: str | None = None) -> TestResponse:
        return self.client.get(path, headers={"Authorization": f"Bearer {token or self.token}"})

    def post(self, path: str, token: str | None = None) -> TestResponse:
        return self.client.post(path, headers={"Authorization": f"Bearer {token or self.token}"})


def draft(**overrides: Any) -> dict[str, Any]:
    """A valid submission body; keyword arguments replace or add fields."""
    body = {
        "external_id": f"draft-{uuid.uuid4().hex[:8]}",
        "title": "Reply to ticket #8812",
        "content": "Dear customer, your refund of $42.00 is on its way.",
        "content_type": "text/markdown",
        "risk_tags": ["refund", "customer-facing"],
        "context": {"prompt": "Draft a reply", "conversation": [{"role": "user", "content": "Hi"}]},
        "metadata": {"model": "demo-model", "confidence": 0.71},
    }
    body.update(overrides)
    return body


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


def csrf(client: FlaskClient, path: str = "/login") -> str:
    """The CSRF token a page carries (every page has it in a meta tag)."""
    html = client.get(path).get_data(as_text=True)
    match = re.search(r'name="csrf-token" content="([^"]+)"', html)
    assert match, f"no CSRF token on {path}"
    return match.group(1)


def signed_in(app: Flask, email: str, role: str, level: int = 3) -> FlaskClient:
    """Create a user and return a client signed in as them through the login form."""
    with app.app_context():
        users.create_user(
            db.session,
            Actor.system("test"),
            email,
            email.split("@")[0],
            role,
            level,
            "long-enough-pw",
        )
        db.session.commit()
    client = app.test_client()
    response = client.post(
        "/login",
        data={"csrf_token": csrf(client), "email": email, "password": "long-enough-pw"},
    )
    assert response.status_code == 302, f"sign-in failed for {email}"
    return client
