"""The front page and the health check that load balancers poll."""

from __future__ import annotations

import sqlalchemy as sa
from flask import Blueprint, Response, current_app, jsonify, render_template
from redis.exceptions import RedisError

from ..extensions import db, redis_client

bp = Blueprint("health", __name__)


@bp.get("/")
def index() -> str:
    """What this server is, and where its API is described."""
    return render_template("index.html")


@bp.get("/healthz")
def healthz() -> tuple[Response, int]:
    """200 when the database (and Redis, when configured) answer; 503 naming what does not."""
    checks = {"database": "ok", "jobs": "in-process"}
    try:
        db.session.execute(sa.text("SELECT 1"))
    except sa.exc.SQLAlchemyError:
        checks["database"] = "unreachable"
    client = redis_client(current_app)
    if client is not None:
        try:
            client.ping()
            checks["jobs"] = "redis ok"
        except RedisError:
            checks["jobs"] = "redis unreachable"
    healthy = checks["database"] == "ok" and "unreachable" not in checks["jobs"]
    return jsonify(
        {"status": "ok" if healthy else "unavailable", **checks}
    ), 200 if healthy else 503
