"""RFC 9457 problem details for the API; every error is mapped here once."""

from __future__ import annotations

from typing import Any

from flask import Flask, Response, current_app, jsonify, request
from werkzeug.exceptions import HTTPException

from ..domain.errors import (
    Conflict,
    IllegalTransition,
    NotFound,
    SignatureInvalid,
    SourceUnavailable,
    Unauthenticated,
    ValidationFailed,
)

PROBLEM_TYPE = "https://reviewq.dev/problems/"


def problem(status: int, title: str, detail: str, kind: str, **extra: Any) -> Response:
    """A ``application/problem+json`` response."""
    body = {"type": PROBLEM_TYPE + kind, "title": title, "status": status, "detail": detail}
    body.update(extra)
    response = jsonify(body)
    response.status_code = status
    response.mimetype = "application/problem+json"
    return response


def unauthorized(detail: str) -> Response:
    """401 with the same body whatever failed, so callers learn nothing about why."""
    response = problem(401, "Unauthorized", detail, "unauthorized")
    response.headers["WWW-Authenticate"] = 'Bearer realm="reviewq"'
    return response


def _is_api() -> bool:
    return request.path.startswith("/api/")


def register(app: Flask) -> None:
    """Map named errors and HTTP errors to problem+json on ``/api/``."""

    @app.errorhandler(ValidationFailed)
    def validation_failed(exc: ValidationFailed) -> Response:
        return problem(422, "Invalid fields", str(exc), "validation", errors=exc.errors)

    @app.errorhandler(SignatureInvalid)
    def signature_invalid(exc: SignatureInvalid) -> Response:
        return unauthorized("The webhook signature, timestamp or source did not verify.")

    @app.errorhandler(Unauthenticated)
    def unauthenticated(exc: Unauthenticated) -> Response:
        return unauthorized("A valid bearer token for this source is required.")

    @app.errorhandler(SourceUnavailable)
    def source_unavailable(exc: SourceUnavailable) -> Response:
        return problem(
            423,
            f"Source {exc.status}",
            str(exc),
            "source-unavailable",
            source_status=str(exc.status),
            reason=exc.reason,
        )

    @app.errorhandler(NotFound)
    def not_found(exc: NotFound) -> Response:
        return problem(404, "Not Found", str(exc), "not-found")

    @app.errorhandler(IllegalTransition)
    def illegal(exc: IllegalTransition) -> Response:
        return problem(409, "Conflict", str(exc), "illegal-transition", item_status=exc.status)

    @app.errorhandler(Conflict)
    def conflict(exc: Conflict) -> Response:
        return problem(409, "Conflict", str(exc), "conflict")

    @app.errorhandler(HTTPException)
    def http_error(exc: HTTPException) -> Response | HTTPException:
        if not _is_api():
            return exc
        response = problem(
            exc.code or 500, exc.name, exc.description or exc.name, f"http-{exc.code}"
        )
        if exc.code == 405 and exc.valid_methods:
            response.headers["Allow"] = ", ".join(exc.valid_methods)
        return response

    @app.errorhandler(Exception)
    def unexpected(exc: Exception) -> Response | tuple[str, int]:
        current_app.logger.exception("unhandled error on %s %s", request.method, request.path)
        if _is_api():
            return problem(
                500,
                "Internal Server Error",
                "Something went wrong on our side; it has been logged.",
                "internal",
            )
        return "Internal Server Error", 500
