"""One JSON log line per request (``reviewq.logs``), and the request id in ``X-Request-ID``.

The line holds the request id, method, route (the URL rule, so ids in paths are not
logged one by one), status, duration, and who asked: the signed-in person's user id, or the
source's slug on the API. Never a body, a query string or a header but the id. Drafts
refused at intake are counted here by reason for ``/metrics`` (``services.metrics``).
"""

from __future__ import annotations

import time

from flask import Flask, Response, current_app, g, request

from .. import logs
from ..extensions import redis_client
from ..services import metrics
from .problems import PROBLEM_TYPE

HEADER = "X-Request-ID"
INTAKE = "api.submit_item"


def register(app: Flask) -> None:
    """Add the hooks to ``app`` (when ``LOG_REQUESTS`` is on, the default)."""
    logs.install()
    app.before_request(_start)
    app.after_request(_finish)


def _start() -> None:
    g.request_id = logs.request_id(request.headers.get(HEADER))
    g.request_started = time.perf_counter()


def _refusal_reason(response: Response) -> str:
    """The problem type a refusal names (``unauthorized``, ``validation``...), else its status."""
    if response.is_json:
        body = response.get_json(silent=True)
        if isinstance(body, dict) and str(body.get("type", "")).startswith(PROBLEM_TYPE):
            return str(body["type"])[len(PROBLEM_TYPE) :]
    return str(response.status_code)


def _finish(response: Response) -> Response:
    request_id = g.get("request_id") or logs.request_id(None)
    response.headers[HEADER] = request_id
    if request.endpoint == INTAKE and response.status_code >= 400:
        metrics.count_refusal(redis_client(current_app), _refusal_reason(response))
    if not current_app.config.get("LOG_REQUESTS", True):
        return response
    started = g.get("request_started")
    user = g.get("_login_user")  # only if this request loaded it: logging never queries
    view_args = request.view_args or {}
    logs.emit(
        logs.REQUESTS,
        event="request",
        request_id=request_id,
        method=request.method,
        route=request.url_rule.rule if request.url_rule is not None else None,
        status=response.status_code,
        duration_ms=round((time.perf_counter() - started) * 1000, 1) if started else None,
        user=user.get_id() and getattr(user, "id", None) if user is not None else None,
        source=view_args.get("slug") if request.blueprint == "api" else None,
    )
    return response
