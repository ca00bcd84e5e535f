import pytest
import sqlalchemy as sa

from reviewq.domain.authority import Actor
from reviewq.extensions import db
from reviewq.models import AuditEvent, LoginAttempt
from reviewq.services import users
from tests.support.auth import csrf, sign_in

RITA, RITAS_PASSWORD = "rita@example.com", "correct-horse-1"


@pytest.fixture
def reviewer(ctx):
    user = users.create_user(
        db.session,
        Actor.system("test"),
        "rita@example.com",
        "Rita",
        "reviewer",
        2,
        "correct-horse-1",
    )
    db.session.commit()
    return user


def as_rita(client, email=RITA, password=RITAS_PASSWORD):
    """Sign in through the form as Rita, or with one of her credentials changed."""
    return sign_in(client, email, password)


def test_sign_in_lands_on_the_queue_and_sets_safe_cookies(client, reviewer) -> None:
    resp = as_rita(client)
    assert resp.status_code == 302 and resp.headers["Location"] == "/queue"
    cookie = resp.headers["Set-Cookie"]
    assert "HttpOnly" in cookie and "SameSite=Lax" in cookie
    assert client.get("/queue").status_code == 200


def test_wrong_password_and_unknown_email_look_the_same(client, reviewer) -> None:
    wrong = as_rita(client, password="nope-nope-nope")
    unknown = as_rita(client, email="ghost@example.com")
    assert wrong.status_code == unknown.status_code == 401
    assert "Wrong email or password." in wrong.get_data(as_text=True)
    assert "Wrong email or password." in unknown.get_data(as_text=True)
    assert client.get("/queue").status_code == 302


def test_login_needs_the_csrf_token(client, reviewer) -> None:
    resp = client.post("/login", data={"email": "rita@example.com", "password": "correct-horse-1"})
    assert resp.status_code == 400
    assert client.get("/queue").status_code == 302


def test_repeated_failures_are_throttled(client, reviewer, ctx) -> None:
    for _ in range(5):
        assert as_rita(client, password="guess-guess").status_code == 401
    blocked = as_rita(client)  # even the right password waits now
    assert blocked.status_code == 429 and 0 < int(blocked.headers["Retry-After"]) <= 900
    assert "Too many failed sign-ins" in blocked.get_data(as_text=True)
    assert client.get("/queue").status_code == 302
    assert db.session.scalar(sa.select(sa.func.count(LoginAttempt.id))) == 5


def test_sign_out_kills_copies_of_the_session_cookie(app, client, reviewer, ctx) -> None:
    as_rita(client)
    stolen = client.get_cookie("reviewq_session").value
    token = csrf(client, "/queue")
    resp = client.post("/logout", data={"csrf_token": token})
    assert resp.status_code == 302 and resp.headers["Location"] == "/login"
    thief = app.test_client()
    thief.set_cookie("reviewq_session", stolen)
    assert thief.get("/queue").status_code == 302  # back to the sign-in page
    actions = db.session.scalars(sa.select(AuditEvent.action)).all()
    assert "user.signed_in" in actions and "user.signed_out" in actions


def test_next_parameter_never_leaves_the_site(client, reviewer) -> None:
    token = csrf(client)
    resp = client.post(
        "/login?next=//evil.example.com/x",
        data={"csrf_token": token, "email": "rita@example.com", "password": "correct-horse-1"},
    )
    assert resp.headers["Location"] == "/queue"


def test_pages_carry_a_strict_content_security_policy(client) -> None:
    policy = client.get("/login").headers["Content-Security-Policy"]
    assert "script-src 'self'" in policy and "img-src 'self' data:" in policy
    assert "unsafe-inline" not in policy


def test_production_cookies_are_secure(make_app, database_url) -> None:
    import os

    from tests.support.audit import AUDIT_KEY

    os.environ["REVIEWQ_ENV"] = "production"
    os.environ["SECRET_KEY"] = "x" * 40
    os.environ["REVIEWQ_SECRET_KEYS"] = "q" * 43 + "="
    os.environ["REVIEWQ_AUDIT_KEY"] = AUDIT_KEY
    try:
        app = make_app(SQLALCHEMY_DATABASE_URI=database_url)
    finally:
        del os.environ["REVIEWQ_ENV"], os.environ["SECRET_KEY"]
        del os.environ["REVIEWQ_SECRET_KEYS"], os.environ["REVIEWQ_AUDIT_KEY"]
    assert app.config["SESSION_COOKIE_SECURE"] is True
    assert app.config["PERMANENT_SESSION_LIFETIME"].total_seconds() == 10 * 3600
