"""The reports API's part of the OpenAPI document (``/api/v1/reports/{name}``)."""

from __future__ import annotations

from typing import Any


def _problem(description: str) -> dict[str, Any]:
    return {
        "description": description,
        "content": {
            "application/problem+json": {"schema": {"$ref": "#/components/schemas/Problem"}}
        },
    }


# Empty means "not given" (the default) for every filter, as a page's form sends it.
DATE = {"type": "string", "pattern": "^([0-9]{4}-[0-9]{2}-[0-9]{2})?$"}
NAME = {"type": "string", "pattern": "^[A-Za-z0-9_.:/@+-]{0,200}$"}


def report_paths() -> dict[str, Any]:
    """The path item of the reports API."""
    query = [
        ("start", DATE, "First day (UTC), included; default: 8 weeks before `end`."),
        ("end", DATE, "Last day (UTC), included; default: today."),
        ("grain", {"type": "string", "enum": ["day", "week", ""]}, "Buckets; default week."),
        ("source", NAME, "Only this source (slug)."),
        ("tag", NAME, "Only drafts with this risk tag."),
        ("model", NAME, "Only drafts whose metadata.model is this."),
        ("page", {"type": "integer", "minimum": 1, "maximum": 10000}, "Reviewers' page."),
    ]
    table = {
        "type": "object",
        "required": ["name", "title", "note", "columns", "rows"],
        "properties": {
            "name": {"type": "string"},
            "title": {"type": "string"},
            "note": {"type": "string"},
            "columns": {"type": "array", "items": {"type": "string"}},
            "rows": {"type": "array", "items": {"type": "object"}},
        },
    }
    body = {
        "type": "object",
        "required": ["report", "title", "time_zone", "filters", "summary", "tables"],
        "properties": {
            "report": {"type": "string", "enum": ["workload", "quality", "oversight"]},
            "title": {"type": "string"},
            "time_zone": {"const": "UTC"},
            "filters": {"type": "object"},
            "summary": {"type": "object"},
            "tables": {"type": "array", "items": table},
        },
    }
    return {
        "/api/v1/reports/{name}": {
            "get": {
                "operationId": "getReport",
                "summary": "One report's tables as JSON (the same figures as its page)",
                "description": (
                    "For a person who may read reports (manager, supervisor, admin), with a "
                    "personal API token made on the Reports API tokens page. Rows are "
                    "objects keyed by the table's columns. A range longer than 400 days, "
                    "an end before the start or a malformed value is a 400 naming the field."
                ),
                "parameters": [
                    {
                        "name": "name",
                        "in": "path",
                        "required": True,
                        "schema": {"type": "string", "enum": ["workload", "quality", "oversight"]},
                    },
                    *(
                        {"name": n, "in": "query", "schema": s, "description": d}
                        for n, s, d in query
                    ),
                ],
                "security": [{"personalToken": []}],
                "responses": {
                    "200": {
                        "description": "The report.",
                        "content": {"application/json": {"schema": body}},
                    },
                    "400": _problem("A filter is malformed or unknown; `errors` names each."),
                    "401": _problem(
                        "Missing, unknown or revoked token, or its person may "
                        "not read reports (the same answer for each)."
                    ),
                    "404": _problem("No such report."),
                    "405": _problem("Method not allowed."),
                    "503": _problem("The database is not answering; try again later."),
                },
            }
        }
    }


PERSONAL_TOKEN = {
    "type": "http",
    "scheme": "bearer",
    "description": "A person's reports API token (`rvqp_...`), made on /reports/tokens.",
}
