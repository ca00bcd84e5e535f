"""The front page, liveness, readiness; /metrics has its own module (test_metrics)."""

import pytest

from tests.support.auth import signed_in


def test_front_page_tells_a_visitor_what_this_is(client) -> None:
    page = client.get("/")
    assert page.status_code == 200
    assert b"Sign in" in page.data and b"reviewq" in page.data


@pytest.mark.parametrize(
    ("role", "start"),
    [
        ("reviewer", "/queue"),
        ("supervisor", "/escalations"),
        ("manager", "/reports"),
        ("admin", "/sources"),
    ],
)
def test_signed_in_people_start_on_their_roles_page(app, role, start) -> None:
    client = signed_in(app, f"{role}@example.com", role)
    answer = client.get("/")
    assert answer.status_code == 302 and answer.headers["Location"] == start
    assert client.get(start).status_code == 200


def test_liveness_asks_nothing_of_the_database(make_app) -> None:
    app = make_app(SQLALCHEMY_DATABASE_URI="postgresql+psycopg://127.0.0.1:1/nowhere")
    resp = app.test_client().get("/healthz")
    assert resp.status_code == 200 and resp.get_json() == {"status": "ok"}


def test_readiness(client) -> None:
    resp = client.get("/readyz")
    assert resp.status_code == 200
    assert resp.get_json() == {"status": "ok", "database": "ok", "jobs": "in-process"}


def test_readiness_names_an_unreachable_database(make_app) -> None:
    app = make_app(SQLALCHEMY_DATABASE_URI="postgresql+psycopg://127.0.0.1:1/nowhere")
    resp = app.test_client().get("/readyz")
    assert resp.status_code == 503
    assert resp.get_json()["database"] == "unreachable"


def _ready_with_redis(make_app, database_url: str, redis: str):
    app = make_app(SQLALCHEMY_DATABASE_URI=database_url, REDIS_URL=redis)
    return app.test_client().get("/readyz")


def test_readiness_checks_a_real_redis(make_app, database_url, redis_url) -> None:
    resp = _ready_with_redis(make_app, database_url, redis_url)
    assert resp.status_code == 200 and resp.get_json()["jobs"] == "redis ok"


def test_readiness_reports_redis_down(make_app, database_url) -> None:
    resp = _ready_with_redis(make_app, database_url, "redis://127.0.0.1:1/0")
    assert resp.status_code == 503
    assert resp.get_json() == {
        "status": "unavailable",
        "database": "ok",
        "jobs": "redis unreachable",
    }
