def test_front_page_and_health(client) -> None:
    assert b"reviewq is running" in client.get("/").data
    resp = client.get("/healthz")
    assert resp.status_code == 200
    assert resp.get_json() == {"status": "ok", "database": "ok", "jobs": "in-process"}


def _health_with_redis(make_app, database_url: str, redis: str):
    app = make_app(SQLALCHEMY_DATABASE_URI=database_url, REDIS_URL=redis)
    return app.test_client().get("/healthz")


def test_health_checks_a_real_redis(make_app, database_url, redis_url) -> None:
    resp = _health_with_redis(make_app, database_url, redis_url)
    assert resp.status_code == 200 and resp.get_json()["jobs"] == "redis ok"


def test_health_reports_redis_down(make_app, database_url) -> None:
    resp = _health_with_redis(make_app, database_url, "redis://127.0.0.1:1/0")
    assert resp.status_code == 503
    assert resp.get_json() == {
        "status": "unavailable",
        "database": "ok",
        "jobs": "redis unreachable",
    }
