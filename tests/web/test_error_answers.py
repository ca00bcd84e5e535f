"""The error answers themselves never fail: after a failed transaction the page still
renders (with its navigation), and a database that does not answer is a 503 with
``Retry-After``, for the API and for people, never a 500."""

from __future__ import annotations

import json
import uuid
from datetime import UTC, datetime
from pathlib import Path

import pytest
import sqlalchemy as sa
from sqlalchemy.exc import IntegrityError

from reviewq.domain import signing
from reviewq.domain.errors import NotFound
from reviewq.extensions import db, db_session
from reviewq.models import Notification
from tests.support.api import draft
from tests.support.auth import sign_in, signed_in

PROBLEM = "application/problem+json"


def _failed_flush() -> None:
    """A flush the database refuses (a notification for nobody), leaving the session's
    transaction failed: until it is rolled back, every query raises."""
    db_session.add(Notification(user_id=999_999, text="for nobody"))
    db_session.flush()


@pytest.fixture
def failing_app(make_app, database_url):
    app = make_app(SQLALCHEMY_DATABASE_URI=database_url)

    @app.get("/boom/unexpected")
    def unexpected() -> str:
        _failed_flush()
        return "unreachable"

    @app.get("/boom/domain")
    def domain() -> str:
        try:
            _failed_flush()
        except IntegrityError:
            raise NotFound("that is gone") from None
        return "unreachable"

    return app


@pytest.mark.parametrize(
    ("path", "status", "says"),
    [
        ("/boom/unexpected", 500, "Something went wrong on our side"),
        ("/boom/domain", 404, "that is gone"),
    ],
)
def test_the_error_page_renders_after_a_failed_transaction(
    failing_app, path: str, status: int, says: str
) -> None:
    """It used to raise PendingRollbackError: the navigation counts unread notifications."""
    client = signed_in(failing_app, "rex@example.com", "reviewer")
    resp = client.get(path)
    page = resp.get_data(as_text=True)
    assert resp.status_code == status and says in page
    assert "Sign out" in page and "My review stats" in page  # the full page, navigation too


@pytest.fixture
def dead_database_url(database_url: str, tmp_path: Path) -> str:
    """A database URL of the run's kind where nothing answers."""
    if database_url.startswith("sqlite"):
        return f"sqlite:///{tmp_path / 'no-such-folder' / 'gone.sqlite3'}"
    return "postgresql+psycopg://127.0.0.1:1/gone"  # nothing listens on port 1


@pytest.fixture
def dead_app(make_app, dead_database_url):
    return make_app(SQLALCHEMY_DATABASE_URI=dead_database_url)


def test_intake_answers_503_with_retry_after_when_the_database_is_down(dead_app) -> None:
    body = json.dumps(draft())
    secret = signing.new_secret()
    headers = signing.sign(secret, f"msg_{uuid.uuid4().hex}", body, datetime.now(UTC))
    resp = dead_app.test_client().post(
        "/api/v1/sources/support-bot/items",
        data=body,
        headers={**headers, "Content-Type": "application/json"},
    )
    assert resp.status_code == 503 and resp.mimetype == PROBLEM
    assert int(resp.headers["Retry-After"]) > 0
    assert resp.get_json()["status"] == 503


def test_the_pull_api_answers_503_when_the_database_is_down(dead_app) -> None:
    resp = dead_app.test_client().get(
        "/api/v1/items/1", headers={"Authorization": "Bearer rvq_anything"}
    )
    assert resp.status_code == 503 and resp.mimetype == PROBLEM
    assert "Retry-After" in resp.headers


def test_sign_in_answers_a_503_page_when_the_database_is_down(dead_app) -> None:
    resp = sign_in(dead_app.test_client(), "rex@example.com")
    assert resp.status_code == 503 and "Retry-After" in resp.headers
    assert "try again" in resp.get_data(as_text=True).lower()


def test_a_signed_in_page_answers_503_when_the_database_goes_down(app, dead_app) -> None:
    """The session cookie makes every page load the user, and the error page's navigation
    load them again: the page must still be answered, without the database."""
    live = signed_in(app, "rex@example.com", "reviewer")
    name = app.config["SESSION_COOKIE_NAME"]
    cookie = live.get_cookie(name)
    assert cookie is not None
    client = dead_app.test_client()
    client.set_cookie(name, cookie.value)
    resp = client.get("/queue")
    assert resp.status_code == 503 and "Retry-After" in resp.headers
    assert "try again" in resp.get_data(as_text=True).lower()


def test_nothing_was_stored_by_a_failed_request(app, failing_app) -> None:
    client = signed_in(failing_app, "rex@example.com", "reviewer")
    client.get("/boom/unexpected")
    with app.app_context():
        assert db.session.scalar(sa.select(sa.func.count(Notification.id))) == 0
