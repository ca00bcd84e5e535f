"""Errors mapped to HTTP once: RFC 9457 problem details on /api/, a page for people."""

from __future__ import annotations

from typing import Any

from flask import Flask, Response, current_app, jsonify, make_response, render_template, request
from markupsafe import escape
from sqlalchemy.exc import InterfaceError, OperationalError, SQLAlchemyError
from sqlalchemy.exc import TimeoutError as PoolTimeout
from sqlalchemy.orm.exc import StaleDataError
from werkzeug.exceptions import HTTPException

from ..domain.errors import (
    BadQuery,
    Conflict,
    IllegalTransition,
    NotAllowed,
    NotFound,
    ReviewqError,
    SourceUnavailable,
    TooManyAttempts,
    Unauthenticated,
    UnknownParameters,
    ValidationFailed,
)
from ..extensions import db_session

PROBLEM_TYPE = "https://reviewq.dev/problems/"
RETRY_AFTER_SECONDS = 30  # when the database does not answer
# The database did not answer (refused, dropped, timed out, pool exhausted).
UNAVAILABLE = (OperationalError, InterfaceError, PoolTimeout)
# The error page without templates or database, for when rendering the real one fails.
BARE_PAGE = (
    '<!doctype html><html lang="en"><head><meta charset="utf-8"><title>{title} · reviewq'
    '</title></head><body><main><h1>{status} · {title}</h1><p>{detail}</p><p><a href="/">'
    "Back to the start</a></p></main></body></html>"
)

# Most specific first: the first matching class decides status, title and problem type.
STATUS: list[tuple[type[ReviewqError], int, str, str]] = [
    (UnknownParameters, 400, "Bad Request", "unknown-parameter"),
    (BadQuery, 400, "Bad Request", "bad-query"),
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
    """The error page; it never fails. A failed transaction is rolled back first (the page's
    navigation queries the database), and when rendering fails anyway (the database is
    down and the navigation needs it) a bare page answers instead."""
    _roll_back()
    try:
        return render_template("error.html", status=status, title=title, detail=detail), status
    except Exception as exc:  # only the class: a database error's text carries parameters
        current_app.logger.error("the error page failed (%s); answered bare", type(exc).__name__)
        bare = BARE_PAGE.format(status=status, title=escape(title), detail=escape(detail))
        return bare, status


def _roll_back() -> None:
    """End the request's transaction, whatever state a failure left it in: nothing
    half-written is kept, and the session can query again."""
    try:
        db_session.rollback()
    except SQLAlchemyError:  # the connection is gone; the session is reset all the same
        current_app.logger.warning("rollback failed while answering an error")


def _domain_error(exc: ReviewqError) -> Response | tuple[str, int]:
    _roll_back()
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


def _unavailable(exc: SQLAlchemyError) -> Response:
    """503 with ``Retry-After``: the database did not answer. Only the error's class is
    logged; its text would carry the statement's parameters (draft text)."""
    cause = type(getattr(exc, "orig", None) or exc).__name__
    current_app.logger.error(
        "database unavailable on %s %s: %s", request.method, request.path, cause
    )
    _roll_back()
    detail = "The database is not answering right now. Please try again shortly."
    if _is_api():
        response = problem(503, "Service Unavailable", detail, "unavailable")
    else:
        response = make_response(_page(503, "Service Unavailable", detail))
    response.headers["Retry-After"] = str(RETRY_AFTER_SECONDS)
    return response


def _unexpected(exc: Exception) -> Response | tuple[str, int]:
    current_app.logger.exception("unhandled error on %s %s", request.method, request.path)
    _roll_back()
    detail = "Something went wrong on our side; it has been logged."
    if _is_api():
        return problem(500, "Internal Server Error", detail, "internal")
    return _page(500, "Internal Server Error", detail)


def register(app: Flask) -> None:
    """Install the error mapping on ``app``."""
    app.register_error_handler(ReviewqError, _domain_error)
    app.register_error_handler(HTTPException, _http_error)
    app.register_error_handler(StaleDataError, _stale)
    for unavailable in UNAVAILABLE:
        app.register_error_handler(unavailable, _unavailable)
    app.register_error_handler(Exception, _unexpected)
