"""Errors mapped to HTTP once: RFC 9457 problem details on /api/, a page for people."""

from __future__ import annotations

from typing import Any

from flask import Flask, Response, current_app, jsonify, render_template, request
from sqlalchemy.orm.exc import StaleDataError
from werkzeug.exceptions import HTTPException

from ..domain.errors import (
    Conflict,
    IllegalTransition,
    NotAllowed,
    NotFound,
    ReviewqError,
    SourceUnavailable,
    TooManyAttempts,
    Unauthenticated,
    ValidationFailed,
)

PROBLEM_TYPE = "https://reviewq.dev/problems/"

# Most specific first: the first matching class decides status, title and problem type.
STATUS: list[tuple[type[ReviewqError], int, str, str]] = [
    (ValidationFailed, 422, "Invalid fields", "validation"),
    (Unauthenticated, 401, "Unauthorized", "unauthorized"),
    (SourceUnavailable, 423, "Source unavailable", "source-unavailable"),
    (NotFound, 404, "Not Found", "not-found"),
    (NotAllowed, 403, "Forbidden", "forbidden"),
    (IllegalTransition, 409, "Conflict", "illegal-transition"),
    (Conflict, 409, "Conflict", "conflict"),
    (TooManyAttempts, 429, "Too Many Requests", "throttled"),
]


def problem(status: int, title: str, detail: str, kind: str, **extra: Any) -> Response:
    """A ``application/problem+json`` response."""
    body = {"type": PROBLEM_TYPE + kind, "title": title, "status": status, "detail": detail}
    body.update(extra)
    response = jsonify(body)
    response.status_code = status
    response.mimetype = "application/problem+json"
    return response


def _is_api() -> bool:
    return request.path.startswith("/api/")


def _page(status: int, title: str, detail: str) -> tuple[str, int]:
    return render_template("error.html", status=status, title=title, detail=detail), status


def _domain_error(exc: ReviewqError) -> Response | tuple[str, int]:
    status, title, kind = next((s, t, k) for cls, s, t, k in STATUS if isinstance(exc, cls))
    if not _is_api():
        return _page(status, title, str(exc))
    if isinstance(exc, Unauthenticated):
        # One body whatever failed (signature, timestamp, source or token).
        response = problem(401, title, "Missing or invalid credentials.", kind)
        response.headers["WWW-Authenticate"] = 'Bearer realm="reviewq"'
        return response
    extra: dict[str, Any] = {}
    if isinstance(exc, ValidationFailed):
        extra["errors"] = exc.errors
    if isinstance(exc, SourceUnavailable):
        extra = {"source_status": str(exc.status), "reason": exc.reason}
    if isinstance(exc, IllegalTransition):
        extra["item_status"] = exc.status
    return problem(status, title, str(exc), kind, **extra)


def _http_error(exc: HTTPException) -> Response | tuple[str, int]:
    code = exc.code or 500
    if not _is_api():
        return _page(code, exc.name, exc.description or exc.name)
    response = problem(code, exc.name, exc.description or exc.name, f"http-{code}")
    allowed = getattr(exc, "valid_methods", None)  # set on MethodNotAllowed only
    if code == 405 and allowed:
        response.headers["Allow"] = ", ".join(allowed)
    return response


def _stale(exc: StaleDataError) -> Response | tuple[str, int]:
    return _domain_error(Conflict("The item changed at the same moment; nothing was changed."))


def _unexpected(exc: Exception) -> Response | tuple[str, int]:
    current_app.logger.exception("unhandled error on %s %s", request.method, request.path)
    detail = "Something went wrong on our side; it has been logged."
    if _is_api():
        return problem(500, "Internal Server Error", detail, "internal")
    return _page(500, "Internal Server Error", detail)


def register(app: Flask) -> None:
    """Install the error mapping on ``app``."""
    app.register_error_handler(ReviewqError, _domain_error)
    app.register_error_handler(HTTPException, _http_error)
    app.register_error_handler(StaleDataError, _stale)
    app.register_error_handler(Exception, _unexpected)
