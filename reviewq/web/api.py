"""The version 1 API used by AI sources: signed intake and the pull endpoints."""

from __future__ import annotations

import re
from collections.abc import Mapping
from datetime import datetime
from typing import Any, Protocol, cast

from flask import Blueprint, Response, current_app, jsonify, request, url_for
from werkzeug.exceptions import RequestEntityTooLarge

from ..domain.errors import NotFound, Unauthenticated, UnknownParameters, ValidationFailed
from ..domain.intake import EXTERNAL_ID, BadJSON
from ..domain.workflow import FINAL_STATUSES, ItemStatus
from ..extensions import db, db_session, keyring
from ..models import Item, Source
from ..models.types import utcnow
from ..services import intake, receiving
from ..services import sources as source_service
from .openapi import openapi_document
from .problems import problem

bp = Blueprint("api", __name__, url_prefix="/api/v1")
# Query parameters each endpoint understands; anything else is refused, not ignored,
# so a misspelt filter cannot silently return everything.
QUERY_PARAMS = {"api.list_items": {"external_id", "limit"}}


def refuse_unknown_query_parameters() -> None:
    """400 naming any query parameter the endpoint does not take. Called once the caller is
    authenticated: a stranger gets the same 401 whatever the query string says.

    Raises:
        UnknownParameters: one entry per unknown parameter.
    """
    unknown = set(request.args) - QUERY_PARAMS.get(request.endpoint or "", set())
    if unknown:
        raise UnknownParameters(
            [
                {"field": name, "message": "is not a known query parameter"}
                for name in sorted(unknown)
            ]
        )


def _body() -> bytes:
    """The raw request body; 413 past the size limit, with or without Content-Length.

    For a streamed body (chunked, no Content-Length) werkzeug stops reading at the limit and
    returns what it has, so one byte more is asked of the server's stream: any means over.

    Raises:
        RequestEntityTooLarge: the body is over ``MAX_CONTENT_LENGTH``.
    """
    body = request.get_data(cache=False)
    limit = current_app.config["MAX_CONTENT_LENGTH"]
    streamed = request.content_length is None and limit is not None
    if streamed and len(body) >= limit and request.environ["wsgi.input"].read(1):
        raise RequestEntityTooLarge()
    return body


class ItemFields(Protocol):
    """What the API shows of an item: an ``Item``, or a draft's stored columns."""

    id: int
    external_id: str
    title: str
    status: ItemStatus
    risk_tags: list[str]
    unknown_tags: list[str]
    min_level: int
    approvals_required: int
    sla_minutes: int
    due_at: datetime
    always_escalate: bool
    qa_rate: float
    policy_version_id: int | None
    routing_reason: list[str]
    final_content: str | None
    edited: bool
    outcome_reason: str | None
    decided_at: datetime | None
    settles_at: datetime | None
    created_at: datetime


def item_json(item: ItemFields, slug: str) -> dict[str, Any]:
    """The API view of an item (what a source may see of its own draft); ``slug`` is its
    source's. A decision still in its undo window has not gone out: the item reads as in
    review until the window closes."""
    outcome = None
    status = ItemStatus.IN_REVIEW if item.settles_at is not None else item.status
    if status in FINAL_STATUSES:
        outcome = {
            "status": item.status.value,
            "final_content": item.final_content,
            "edited": item.edited,
            "reason": item.outcome_reason,
            "decided_at": item.decided_at.isoformat() if item.decided_at else None,
        }
    return {
        "id": item.id,
        "source": slug,
        "external_id": item.external_id,
        "title": item.title,
        "status": status.value,
        "risk_tags": item.risk_tags,
        "unknown_tags": item.unknown_tags,
        "requirements": {
            "min_level": item.min_level,
            "approvals": item.approvals_required,
            "sla_minutes": item.sla_minutes,
            "due_at": item.due_at.isoformat(),
            "always_escalate": item.always_escalate,
            "qa_sample_rate": item.qa_rate,
            "policy_version": item.policy_version_id,
            "routing_reason": item.routing_reason,
        },
        "outcome": outcome,
        "created_at": item.created_at.isoformat(),
        "links": {
            "self": url_for("api.get_item", item_id=item.id),
            "withdraw": url_for("api.withdraw_item", item_id=item.id),
        },
    }


def _token_source() -> Source:
    """The source whose bearer token came with the request."""
    scheme, _, token = request.headers.get("Authorization", "").partition(" ")
    source = (
        source_service.by_token(db_session, token.strip(), utcnow()) if scheme == "Bearer" else None
    )
    if source is None:
        raise Unauthenticated("missing or unknown bearer token")
    db_session.commit()  # the token's "last used"
    refuse_unknown_query_parameters()
    return source


def _own_item(source: Source, item_id: int) -> Item:
    return intake.item_for_source(db_session, source, item_id)  # routing bounds the id


@bp.post("/sources/<slug>/items")
def submit_item(slug: str) -> tuple[Response, int] | Response:
    """Accept a draft signed per Standard Webhooks by the source's secret."""
    body = _body()
    headers = cast(Mapping[str, str], request.headers)  # werkzeug's Headers is such a mapping
    senders = current_app.extensions["reviewq.senders"]
    try:
        received = receiving.receive(
            db_session,
            db.engine,
            senders,
            keyring(),
            slug,
            body,
            headers,
            utcnow(),
            refuse_unknown_query_parameters,
        )
    except BadJSON as exc:
        named = {"errors": [{"field": exc.field, "message": str(exc)}]} if exc.field else {}
        return problem(400, "Bad Request", str(exc), "bad-json", **named)
    if db.session.registry.has():  # the snapshot's statement on PostgreSQL commits itself
        db_session.commit()
    shown = item_json(received.item, received.slug)
    response = jsonify(shown)
    response.status_code = 201 if received.created else 200
    response.headers["Location"] = shown["links"]["self"]
    return response


@bp.get("/items/<int:item_id>")
def get_item(item_id: int) -> Response:
    """One of the calling source's items, with its requirements and outcome."""
    source = _token_source()
    return jsonify(item_json(_own_item(source, item_id), source.slug))


@bp.get("/sources/<slug>/items")
def list_items(slug: str) -> Response:
    """The calling source's items, newest first, optionally by ``external_id``."""
    source = _token_source()
    if source.slug != slug:
        raise NotFound(f"no source {slug!r}")
    limit = request.args.get("limit", "50")
    if not re.fullmatch(r"[0-9]{1,9}", limit) or not 1 <= int(limit) <= 100:
        raise ValidationFailed([{"field": "limit", "message": "must be a whole number 1-100"}])
    external_id = request.args.get("external_id")
    if external_id is not None and not EXTERNAL_ID.fullmatch(external_id):
        raise ValidationFailed([{"field": "external_id", "message": "is not a valid id"}])
    items = intake.items_of(db_session, source, int(limit), external_id)
    return jsonify({"items": [item_json(i, source.slug) for i in items]})


@bp.post("/items/<int:item_id>/withdraw")
def withdraw_item(item_id: int) -> Response:
    """Take back an undecided draft."""
    source = _token_source()
    item = intake.withdraw(db_session, source, _own_item(source, item_id), utcnow())
    db_session.commit()
    return jsonify(item_json(item, source.slug))


@bp.get("/openapi.json")
def openapi() -> Response:
    """The OpenAPI 3.1 description of this API."""
    refuse_unknown_query_parameters()  # public: nobody to authenticate
    return jsonify(openapi_document())
