"""The audit log for outsiders: its newest signed checkpoint, inclusion and consistency
proofs. Sources call it with their API token (like the rest of the API, never with a
person's session); staff check the log with ``flask audit verify``."""

from __future__ import annotations

import base64
import re

from flask import Blueprint, Response, jsonify, request

from ..domain.errors import BadQuery, NotFound, Unauthenticated, UnknownParameters
from ..extensions import audit_signer, db_session
from ..models.types import utcnow
from ..services import sources as source_service
from ..services import tlog
from .routing import MAX_ID

bp = Blueprint("audit", __name__, url_prefix="/api/v1/audit")
QUERY = {
    "audit.checkpoint": set(),
    "audit.proof": {"event", "size"},
    "audit.consistency": {"first", "second"},
}
NUMBER = re.compile(r"[0-9]{1,15}")


def _b64(raw: bytes) -> str:
    return base64.b64encode(raw).decode()


@bp.before_request
def authenticate() -> None:
    """A source's bearer token, then no query parameter the endpoint does not take."""
    scheme, _, token = request.headers.get("Authorization", "").partition(" ")
    source = (
        source_service.by_token(db_session, token.strip(), utcnow()) if scheme == "Bearer" else None
    )
    if source is None:
        raise Unauthenticated("missing or unknown bearer token")
    db_session.commit()  # the token's "last used"
    unknown = set(request.args) - QUERY.get(request.endpoint or "", set())
    if unknown:
        raise UnknownParameters(
            [{"field": n, "message": "is not a known query parameter"} for n in sorted(unknown)]
        )


def _number(name: str, required: bool) -> int | None:
    raw = request.args.get(name)
    if raw is None:
        if required:
            raise BadQuery([{"field": name, "message": "is required"}])
        return None
    if not NUMBER.fullmatch(raw):
        raise BadQuery([{"field": name, "message": "must be a whole number"}])
    return int(raw)


@bp.get("/checkpoint")
def checkpoint() -> Response:
    """The newest signed checkpoint of the audit log, and the key that checks it."""
    head = tlog.newest(db_session)
    if head is None:
        raise NotFound("the log has no checkpoint yet")
    return jsonify(
        {
            "checkpoint": head.note,
            "size": head.size,
            "root": _b64(head.root),
            "at": head.at.isoformat(),
            "public_key": audit_signer().verifier.text,
        }
    )


@bp.get("/proof")
def proof() -> Response:
    """Inclusion proof of one event in the log at a size (the newest by default)."""
    event_id = _number("event", required=True)
    assert event_id is not None
    if event_id > MAX_ID:  # more than the column holds: no such event
        raise NotFound(f"no audit event {event_id}")
    found = tlog.inclusion(db_session, event_id, _number("size", required=False))
    return jsonify(
        {
            "event": found.event_id,
            "event_hash": found.event_hash,
            "leaf_index": found.leaf_index,
            "tree_size": found.size,
            "root": _b64(found.root),
            "proof": [_b64(h) for h in found.proof],
        }
    )


@bp.get("/consistency")
def consistency() -> Response:
    """Consistency proof that the log at ``first`` is a prefix of the log at ``second``."""
    old = _number("first", required=True)
    assert old is not None
    found = tlog.consistency(db_session, old, _number("second", required=False))
    return jsonify(
        {
            "first": found.old,
            "second": found.new,
            "first_root": _b64(found.old_root),
            "second_root": _b64(found.new_root),
            "proof": [_b64(h) for h in found.proof],
        }
    )
