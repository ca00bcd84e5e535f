"""The reports as JSON for a manager's BI tool: ``GET /api/v1/reports/<name>`` with the same
filters as the pages, authenticated by a personal API token (``Bearer rvqp_...``) of a
person who may read reports."""

from __future__ import annotations

from flask import Blueprint, Response, abort, jsonify, request

from ..domain.errors import Unauthenticated
from ..extensions import db_session
from ..models.types import utcnow
from ..services import personal_tokens
from .pipeline import page_number
from .reports import REPORTS, filters_from_query

bp = Blueprint("report_api", __name__)


@bp.get("/api/v1/reports/<name>")
def report_json(name: str) -> Response:
    """One report's tables as JSON, for a person's bearer token."""
    scheme, _, token = request.headers.get("Authorization", "").partition(" ")
    user = None
    if scheme == "Bearer":
        user = personal_tokens.reader(db_session, token.strip(), utcnow())
    if user is None:
        raise Unauthenticated("missing or unknown bearer token")
    if name not in REPORTS:
        abort(404)
    body = REPORTS[name](filters_from_query(), page_number()).to_dict()
    db_session.commit()  # the token's last use
    return jsonify(body)
