"""The front page, and what operators poll: liveness, readiness and Prometheus metrics.

- ``GET /healthz``: the process is up and serving (no dependency is asked).
- ``GET /readyz``: the database (and Redis, when configured) answer; 503 naming what does not.
- ``GET /metrics``: Prometheus text format, read from the database at scrape time
  (``services.metrics``), behind a bearer token (``REVIEWQ_METRICS_TOKEN``; without one
  the endpoint does not exist).
"""

from __future__ import annotations

import hmac

import sqlalchemy as sa
from flask import (
    Blueprint,
    Response,
    abort,
    current_app,
    jsonify,
    redirect,
    render_template,
    request,
)
from flask_login import current_user
from prometheus_client import CONTENT_TYPE_LATEST, generate_latest
from redis.exceptions import RedisError
from werkzeug.wrappers import Response as WerkzeugResponse

from ..extensions import db, db_session, redis_client
from ..models.types import utcnow
from ..services import metrics
from .auth import home_url

bp = Blueprint("health", __name__)


@bp.get("/")
def index() -> str | WerkzeugResponse:
    """Signed in: the start page of the person's role. Otherwise: what this server is."""
    if current_user.is_authenticated:
        start = home_url()
        if start is not None:
            return redirect(start)
    return render_template("index.html")


@bp.get("/healthz")
def healthz() -> Response:
    """200 while the process serves requests (liveness: restart it when this fails)."""
    return jsonify({"status": "ok"})


@bp.get("/readyz")
def readyz() -> tuple[Response, int]:
    """200 when the database (and Redis, when configured) answer; 503 naming what does not
    (readiness: send no traffic here until it passes)."""
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
    ready = checks["database"] == "ok" and "unreachable" not in checks["jobs"]
    return jsonify({"status": "ok" if ready else "unavailable", **checks}), 200 if ready else 503


@bp.get("/metrics")
def prometheus() -> Response:
    """The service's figures for Prometheus (``Authorization: Bearer <token>``)."""
    token = current_app.config.get("METRICS_TOKEN")
    if not token:
        abort(404)
    sent = request.headers.get("Authorization", "")
    scheme, _, credential = sent.partition(" ")
    if scheme.lower() != "bearer" or not hmac.compare_digest(
        credential.strip().encode(), token.encode()
    ):
        response = jsonify({"status": 401, "detail": "a valid bearer token is required"})
        response.status_code = 401
        response.headers["WWW-Authenticate"] = 'Bearer realm="metrics"'
        return response
    try:
        refused = metrics.refusals(redis_client(current_app))
    except RedisError:
        refused = {}
    scrape = metrics.Scrape(db_session, utcnow(), refused)
    body = generate_latest(scrape)
    db_session.rollback()  # a read: end the transaction before the connection goes back
    return Response(body, mimetype=None, content_type=CONTENT_TYPE_LATEST)
