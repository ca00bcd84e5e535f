"""The second baseline for bench/intake.py: the least a signed intake can do, by hand.

One route verifies the Standard Webhooks HMAC (key decoded once per process), decodes the
JSON and stores it with one psycopg ``INSERT`` and ``COMMIT`` on a connection kept per
process: no validation, no policy, no audit event, no ORM. It shows what this machine
allows a durable intake to reach; reviewq's intake must do more (DESIGN section 4), so it
can approach this rate but not pass it. Settings come from the environment the bench sets:
``DATABASE_URL``, ``BENCH_SOURCE`` (the slug) and ``BENCH_SECRET``.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import os
from datetime import UTC, datetime, timedelta

import psycopg
from flask import Flask, request
from psycopg.types.json import Jsonb

app = Flask(__name__)
KEY = base64.b64decode(os.environ["BENCH_SECRET"].removeprefix("whsec_") + "==")
INSERT = """
INSERT INTO items (source_id, external_id, webhook_id, title, content, content_type, context,
    metadata, risk_tags, unknown_tags, min_level, approvals_required, sla_minutes,
    always_escalate, qa_rate, priority, routing_reason, due_at, status, version, edited,
    created_at, updated_at, words)
VALUES (%s, %s, %s, %s, %s, %s, %s, %s, %s, '[]', 1, 1, 240, false, 0.05, 3, '[]', %s,
    'queued', 1, false, %s, %s, %s)
RETURNING id
"""
_conn: list[tuple[psycopg.Connection, int]] = []  # per process, made on the first request


def _connection() -> tuple[psycopg.Connection, int]:
    """The process's connection and the bench source's id (read once)."""
    if not _conn:
        conn = psycopg.connect(os.environ["DATABASE_URL"].replace("+psycopg", ""))
        found = conn.execute(
            "SELECT id FROM sources WHERE slug = %s", (os.environ["BENCH_SOURCE"],)
        ).fetchone()
        conn.commit()
        assert found is not None
        _conn.append((conn, found[0]))
    return _conn[0]


@app.get("/")
def probe() -> tuple[str, int]:
    return "", 204


@app.post("/api/v1/sources/<slug>/items")
def intake(slug: str) -> tuple[dict[str, int], int]:
    body = request.get_data(cache=False)
    msg_id = request.headers["webhook-id"]
    stamp = request.headers["webhook-timestamp"]
    signed = f"{msg_id}.{stamp}.".encode() + body
    expected = base64.b64encode(hmac.new(KEY, signed, hashlib.sha256).digest()).decode()
    if not hmac.compare_digest("v1," + expected, request.headers["webhook-signature"]):
        return {"error": 401}, 401
    draft = json.loads(body)
    now = datetime.now(UTC)
    conn, source_id = _connection()
    row = conn.execute(
        INSERT,
        (
            source_id,
            draft["external_id"],
            msg_id,
            draft["title"],
            draft["content"],
            draft.get("content_type", "text/plain"),
            Jsonb(draft.get("context", {})),
            Jsonb(draft.get("metadata", {})),
            Jsonb(draft.get("risk_tags", [])),
            now + timedelta(minutes=240),
            now,
            now,
            len(draft["content"].split()),  # as intake counts them
        ),
    ).fetchone()
    conn.commit()
    assert row is not None
    return {"id": row[0]}, 201
