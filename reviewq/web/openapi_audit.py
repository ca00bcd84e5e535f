"""The audit log's part of the OpenAPI document (``/api/v1/audit/...``)."""

from __future__ import annotations

from typing import Any

B64 = {"type": "string", "contentEncoding": "base64"}
COUNT = {"type": "integer", "minimum": 0, "maximum": 999_999_999_999_999}


def _problem(description: str) -> dict[str, Any]:
    return {
        "description": description,
        "content": {
            "application/problem+json": {"schema": {"$ref": "#/components/schemas/Problem"}}
        },
    }


def _ok(description: str, properties: dict[str, Any]) -> dict[str, Any]:
    schema = {"type": "object", "required": sorted(properties), "properties": properties}
    return {"description": description, "content": {"application/json": {"schema": schema}}}


def _query(name: str, required: bool, description: str) -> dict[str, Any]:
    return {
        "name": name,
        "in": "query",
        "required": required,
        "description": description,
        "schema": COUNT,
    }


def _json(description: str, schema: dict[str, Any]) -> dict[str, Any]:
    return {"description": description, "content": {"application/json": {"schema": schema}}}


def _object(properties: dict[str, Any]) -> dict[str, Any]:
    return {
        "type": "object",
        "required": sorted(properties),
        "properties": properties,
        "additionalProperties": False,
    }


PROOF = {"type": "array", "items": B64}
INCLUSION = _object(
    {
        "event": COUNT,
        "event_hash": {"type": "string"},
        "leaf_index": COUNT,
        "tree_size": COUNT,
        "root": B64,
        "proof": PROOF,
    }
)
CONSISTENCY = _object(
    {"first": COUNT, "second": COUNT, "first_root": B64, "second_root": B64, "proof": PROOF}
)
ERRORS = {
    "400": _problem("A query parameter that is unknown, malformed or out of range."),
    "401": _problem("Missing or unknown bearer token."),
    "404": _problem("No checkpoint yet, no such event, not sealed yet, or a size past the log."),
}


def audit_paths(bearer: list[dict[str, list[str]]]) -> dict[str, Any]:
    """The audit log's operations, authenticated like the rest of the API."""
    return {
        "/api/v1/audit/checkpoint": {
            "get": {
                "operationId": "auditCheckpoint",
                "summary": "The newest signed checkpoint of the audit log (C2SP tlog-checkpoint)",
                "security": bearer,
                "responses": {
                    "200": _ok(
                        "The checkpoint as a signed note, its size, root and time, and the "
                        "verifier key that checks it.",
                        {
                            "checkpoint": {"type": "string"},
                            "size": COUNT,
                            "root": B64,
                            "at": {"type": "string", "format": "date-time"},
                            "public_key": {"type": "string"},
                        },
                    ),
                    **ERRORS,
                },
            }
        },
        "/api/v1/audit/proof": {
            "get": {
                "operationId": "auditInclusionProof",
                "summary": "Inclusion proof of an audit event (RFC 9162 2.1.3)",
                "description": (
                    "The leaf is SHA-256(0x00 || event id as 8 bytes big-endian || "
                    "event_hash); verify the proof, leaf side first, against the root of a "
                    "checkpoint of `tree_size` leaves that you hold."
                ),
                "security": bearer,
                "parameters": [
                    _query("event", True, "The audit event's id (a receipt's `audit.event`)."),
                    _query("size", False, "Tree size of your checkpoint (default: newest)."),
                ],
                "responses": {"200": _json("The proof.", INCLUSION), **ERRORS},
            }
        },
        "/api/v1/audit/consistency": {
            "get": {
                "operationId": "auditConsistencyProof",
                "summary": "Consistency proof between two sizes of the log (RFC 9162 2.1.4)",
                "security": bearer,
                "parameters": [
                    _query("first", True, "The older tree size (a checkpoint you hold)."),
                    _query("second", False, "The newer tree size (default: newest)."),
                ],
                "responses": {"200": _json("The proof and both roots.", CONSISTENCY), **ERRORS},
            }
        },
    }
