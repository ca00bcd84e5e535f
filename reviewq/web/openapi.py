"""The OpenAPI 3.1 document for the version 1 API; the test suite fuzzes the API against it."""

from __future__ import annotations

from typing import Any

from ..domain.intake import (
    BLANK_CHARS,
    CONTENT_TYPES,
    MAX_CONTENT,
    MAX_DEPTH,
    MAX_TAGS,
    MAX_TITLE,
    ROLES,
)
from .openapi_audit import audit_paths
from .openapi_reports import PERSONAL_TOKEN, report_paths
from .routing import MAX_ID

# ECMA-262 forms of the patterns in domain/intake.py and domain/policy.py. TEXT is "not
# blank" as the intake means it: no NUL, and one character that is not whitespace or a
# control character (BLANK_CHARS reads the same in both regex dialects).
TEXT = rf"^[^\u0000]*[^{BLANK_CHARS}][^\u0000]*$"
TAG = r"^[a-z0-9][a-z0-9._:-]{0,62}$"
EXTERNAL_ID = r"^[A-Za-z0-9][A-Za-z0-9._:/#@+=-]{0,199}$"
ITEM_ID = {"type": "integer", "minimum": 1, "maximum": MAX_ID}


def _problem(description: str) -> dict[str, Any]:
    return {
        "description": description,
        "content": {
            "application/problem+json": {"schema": {"$ref": "#/components/schemas/Problem"}}
        },
    }


def _item(description: str) -> dict[str, Any]:
    return {
        "description": description,
        "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Item"}}},
    }


PROBLEMS = {
    "400": _problem("A query parameter the operation does not take; `errors` names each."),
    "401": _problem("Missing or wrong credentials (same answer whatever was wrong)."),
    "404": _problem("No such item or source, or it belongs to another source."),
    "405": _problem("Method not allowed."),
    "422": _problem("Fields or query parameter values are invalid; `errors` names each."),
    "503": _problem("The database is not answering; try again after `Retry-After` seconds."),
}

SCHEMAS: dict[str, Any] = {
    "Problem": {
        "type": "object",
        "description": "RFC 9457 problem details.",
        "required": ["type", "title", "status", "detail"],
        "properties": {
            "type": {"type": "string"},
            "title": {"type": "string"},
            "status": {"type": "integer"},
            "detail": {"type": "string"},
            "errors": {
                "type": "array",
                "items": {
                    "type": "object",
                    "required": ["field", "message"],
                    "properties": {"field": {"type": "string"}, "message": {"type": "string"}},
                },
            },
        },
    },
    "Submission": {
        "type": "object",
        "additionalProperties": False,
        "required": ["external_id", "title", "content"],
        "properties": {
            "external_id": {
                "type": "string",
                "pattern": EXTERNAL_ID,
                "description": "Your id for the draft; unique per source.",
            },
            "title": {
                "type": "string",
                "maxLength": MAX_TITLE,
                "pattern": TEXT,
                "description": "Not blank: at least one character that is not whitespace "
                "or a control character; no NUL.",
            },
            "content": {
                "type": "string",
                "maxLength": MAX_CONTENT,
                "pattern": TEXT,
                "description": "The AI output under review (untrusted); not blank, as title.",
            },
            "content_type": {
                "type": "string",
                "enum": list(CONTENT_TYPES),
                "default": "text/plain",
            },
            "risk_tags": {
                "type": "array",
                "maxItems": MAX_TAGS,
                "uniqueItems": True,
                "items": {"type": "string", "pattern": TAG},
                "default": [],
            },
            "context": {
                "type": "object",
                "description": f"Prompt, conversation, documents (nested at most {MAX_DEPTH}).",
                "properties": {
                    "prompt": {"type": "string", "pattern": r"^[^\u0000]*$"},
                    "conversation": {
                        "type": "array",
                        "items": {
                            "type": "object",
                            "required": ["role", "content"],
                            "properties": {
                                "role": {"type": "string", "enum": list(ROLES)},
                                "content": {"type": "string", "pattern": r"^[^\u0000]*$"},
                            },
                        },
                    },
                },
            },
            "metadata": {"type": "object", "description": "Model, confidence, cost..."},
        },
    },
    "Item": {
        "type": "object",
        "required": [
            "id",
            "source",
            "external_id",
            "title",
            "status",
            "risk_tags",
            "unknown_tags",
            "requirements",
            "outcome",
            "created_at",
            "links",
        ],
        "properties": {
            "id": {"type": "integer"},
            "source": {"type": "string"},
            "external_id": {"type": "string"},
            "title": {"type": "string"},
            "status": {
                "type": "string",
                "enum": ["queued", "in_review", "escalated", "approved", "rejected", "withdrawn"],
            },
            "risk_tags": {"type": "array", "items": {"type": "string"}},
            "unknown_tags": {
                "type": "array",
                "items": {"type": "string"},
                "description": "Tags the policy has no rule for (default rule).",
            },
            "requirements": {
                "type": "object",
                "required": [
                    "min_level",
                    "approvals",
                    "sla_minutes",
                    "due_at",
                    "always_escalate",
                    "qa_sample_rate",
                    "policy_version",
                    "routing_reason",
                ],
                "properties": {
                    "min_level": {"type": "integer"},
                    "approvals": {"type": "integer", "enum": [1, 2]},
                    "sla_minutes": {"type": "integer"},
                    "due_at": {"type": "string", "format": "date-time"},
                    "always_escalate": {"type": "boolean"},
                    "qa_sample_rate": {"type": "number"},
                    "policy_version": {"type": ["integer", "null"]},
                    "routing_reason": {"type": "array", "items": {"type": "string"}},
                },
            },
            "outcome": {
                "type": ["object", "null"],
                "properties": {
                    "status": {"type": "string", "enum": ["approved", "rejected", "withdrawn"]},
                    "final_content": {"type": ["string", "null"]},
                    "edited": {"type": "boolean"},
                    "reason": {"type": ["string", "null"]},
                    "decided_at": {"type": ["string", "null"], "format": "date-time"},
                },
            },
            "created_at": {"type": "string", "format": "date-time"},
            "links": {"type": "object", "additionalProperties": {"type": "string"}},
        },
    },
}


def openapi_document() -> dict[str, Any]:
    """Build the document (a plain dict, served as JSON)."""
    item_id = {"name": "item_id", "in": "path", "required": True, "schema": ITEM_ID}
    slug = {"name": "slug", "in": "path", "required": True, "schema": {"type": "string"}}
    bearer: list[dict[str, list[str]]] = [{"sourceToken": []}]
    return {
        "openapi": "3.1.0",
        "info": {
            "title": "reviewq API",
            "version": "1",
            "description": "Submit AI drafts for human review and read back the decisions.",
        },
        "paths": {
            "/api/v1/sources/{slug}/items": {
                "post": {
                    "operationId": "submitItem",
                    "summary": "Submit a draft (signed per Standard Webhooks)",
                    "parameters": [slug],
                    "security": [{"webhookSignature": []}],
                    "requestBody": {
                        "required": True,
                        "content": {
                            "application/json": {
                                "schema": {"$ref": "#/components/schemas/Submission"}
                            }
                        },
                    },
                    "responses": {
                        "201": _item("Stored; the body shows the requirements it earned."),
                        "200": _item("Seen before (same webhook-id or external_id)."),
                        **PROBLEMS,
                        "400": _problem(
                            "The body is not UTF-8 JSON (a NaN or Infinity is named in "
                            "`errors`), or a query parameter is unknown."
                        ),
                        "413": _problem("The body is over the size limit."),
                        "423": _problem("The source is paused or retired; nothing was stored."),
                    },
                },
                "get": {
                    "operationId": "listItems",
                    "summary": "The source's own items, newest first",
                    "parameters": [
                        slug,
                        {
                            "name": "external_id",
                            "in": "query",
                            "schema": {"type": "string", "pattern": EXTERNAL_ID},
                        },
                        {
                            "name": "limit",
                            "in": "query",
                            "schema": {"type": "integer", "minimum": 1, "maximum": 100},
                        },
                    ],
                    "security": bearer,
                    "responses": {
                        "200": {
                            "description": "Matching items.",
                            "content": {
                                "application/json": {
                                    "schema": {
                                        "type": "object",
                                        "required": ["items"],
                                        "properties": {
                                            "items": {
                                                "type": "array",
                                                "items": {"$ref": "#/components/schemas/Item"},
                                            }
                                        },
                                    }
                                }
                            },
                        },
                        **PROBLEMS,
                    },
                },
            },
            "/api/v1/items/{item_id}": {
                "get": {
                    "operationId": "getItem",
                    "summary": "One of the source's items",
                    "parameters": [item_id],
                    "security": bearer,
                    "responses": {"200": _item("The item."), **PROBLEMS},
                },
            },
            "/api/v1/items/{item_id}/withdraw": {
                "post": {
                    "operationId": "withdrawItem",
                    "summary": "Take back an undecided draft (idempotent)",
                    "parameters": [item_id],
                    "security": bearer,
                    "responses": {
                        "200": _item("Withdrawn."),
                        **PROBLEMS,
                        "409": _problem("Already approved or rejected."),
                    },
                },
            },
            "/api/v1/openapi.json": {
                "get": {
                    "operationId": "openapi",
                    "summary": "This document",
                    "security": [],
                    "responses": {
                        "200": {"description": "OpenAPI 3.1", "content": {"application/json": {}}},
                        "400": PROBLEMS["400"],
                    },
                },
            },
            **audit_paths(bearer),
            **report_paths(),
        },
        "components": {
            "schemas": SCHEMAS,
            "securitySchemes": {
                "personalToken": PERSONAL_TOKEN,
                "sourceToken": {
                    "type": "http",
                    "scheme": "bearer",
                    "description": "The source's API token (`rvq_...`).",
                },
                "webhookSignature": {
                    "type": "apiKey",
                    "in": "header",
                    "name": "webhook-signature",
                    "description": (
                        "Standard Webhooks: send `webhook-id`, `webhook-timestamp` (Unix "
                        "seconds, within 5 minutes) and `webhook-signature: v1,<base64 "
                        "HMAC-SHA256 of '{id}.{timestamp}.{body}' with the source secret>`."
                    ),
                },
            },
        },
    }
