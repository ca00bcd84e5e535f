"""Structured logs: one JSON line per request (``reviewq.requests``) and per job
(``reviewq.jobs``), written to stderr, where gunicorn, RQ and container runtimes collect it.

A line names what happened and how long it took, never what was in it: no bodies, no query
strings, no headers but the request id, so no secret or draft text reaches a log.
"""

from __future__ import annotations

import json
import logging
import re
import sys
import uuid
from datetime import UTC, datetime
from typing import Any

REQUESTS = logging.getLogger("reviewq.requests")
JOBS = logging.getLogger("reviewq.jobs")
# An id a proxy or client sent is kept when it looks like one; anything else is replaced.
_REQUEST_ID = re.compile(r"[A-Za-z0-9._:-]{1,128}")


class JsonLines(logging.Formatter):
    """A record as one JSON object: time, level, logger, and the record's ``fields``."""

    def format(self, record: logging.LogRecord) -> str:
        line: dict[str, Any] = {
            "ts": datetime.fromtimestamp(record.created, UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname.lower(),
            "logger": record.name,
        }
        line.update(getattr(record, "fields", {}))
        return json.dumps(line, ensure_ascii=False, separators=(",", ":"), default=str)


def install() -> None:
    """Give the two loggers their JSON handler on stderr (once per process)."""
    for logger in (REQUESTS, JOBS):
        logger.setLevel(logging.INFO)
        logger.propagate = False
        if not logger.handlers:
            handler = logging.StreamHandler(sys.stderr)
            handler.setFormatter(JsonLines())
            logger.addHandler(handler)


def request_id(sent: str | None) -> str:
    """The request's id: the one the client or proxy sent if it is well formed, else new."""
    if sent and _REQUEST_ID.fullmatch(sent):
        return sent
    return uuid.uuid4().hex


def emit(logger: logging.Logger, **fields: Any) -> None:
    """Write one line with ``fields`` (plain values only: ids, names, numbers)."""
    if logger.isEnabledFor(logging.INFO):
        logger.info(fields.get("event", ""), extra={"fields": fields})
