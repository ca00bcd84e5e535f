"""One JSON line per request and per job, with the request id echoed; nothing secret or
drafted in any line."""

from __future__ import annotations

import json
import logging
from collections.abc import Iterator

import pytest

from reviewq import logs
from reviewq.services import pending
from tests.support.api import draft


class Lines(logging.Handler):
    def __init__(self) -> None:
        super().__init__()
        self.formatter = logs.JsonLines()
        self.lines: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.lines.append(self.format(record))

    def parsed(self) -> list[dict]:
        return [json.loads(line) for line in self.lines]


@pytest.fixture
def captured() -> Iterator[Lines]:
    handler = Lines()
    for logger in (logs.REQUESTS, logs.JOBS):
        logger.addHandler(handler)
    yield handler
    for logger in (logs.REQUESTS, logs.JOBS):
        logger.removeHandler(handler)


def test_a_request_is_one_json_line_and_its_id_is_echoed(client, captured) -> None:
    answer = client.get("/queue")
    (line,) = captured.parsed()
    assert answer.headers["X-Request-ID"] == line["request_id"]
    assert len(line["request_id"]) == 32
    assert line["event"] == "request" and line["method"] == "GET" and line["route"] == "/queue"
    assert line["status"] == 302 and line["duration_ms"] >= 0 and line["user"] is None


def test_a_well_formed_incoming_request_id_is_kept_and_a_bad_one_replaced(client, captured):
    kept = client.get("/healthz", headers={"X-Request-ID": "lb-7f3a.42:1"})
    assert kept.headers["X-Request-ID"] == "lb-7f3a.42:1"
    replaced = client.get("/healthz", headers={"X-Request-ID": 'x" {"status":500}'})
    assert replaced.headers["X-Request-ID"] != 'x" {"status":500}'
    assert [line["request_id"] for line in captured.parsed()] == [
        "lb-7f3a.42:1",
        replaced.headers["X-Request-ID"],
    ]


def test_lines_name_the_route_and_source_never_the_draft_or_secrets(source, captured) -> None:
    secret_text = "Patient Jane Roe, DOB 1970-01-01, diagnosis confidential"
    body = draft(content=secret_text, external_id="ext-secret-42")
    assert source.submit(body).status_code == 201
    assert source.submit(body, secret="whsec_" + "B" * 32).status_code == 401
    source.get(f"/api/v1/sources/{source.slug}/items?external_id=ext-secret-42")
    text = "\n".join(captured.lines)
    for secret in (secret_text, "ext-secret-42", source.secret, source.token):
        assert secret not in text
    first, refused, listed = captured.parsed()
    assert (first["route"], first["status"], first["source"]) == (
        "/api/v1/sources/<slug>/items",
        201,
        source.slug,
    )
    assert refused["status"] == 401 and listed["status"] == 200


def test_a_signed_in_request_names_the_person_by_id(app, captured) -> None:
    from tests.support.auth import signed_in

    reviewer = signed_in(app, "ria@example.com", "reviewer")
    captured.lines.clear()
    reviewer.get("/queue")
    (line,) = captured.parsed()
    assert isinstance(line["user"], int) and "ria@example.com" not in captured.lines[0]


def test_a_job_is_one_json_line(app, captured) -> None:
    app.extensions["reviewq.jobs"].run(pending.SEAL)
    (line,) = [entry for entry in captured.parsed() if entry["event"] == "job"]
    assert line["job"] == "seal" and line["outcome"] == "ok" and line["duration_ms"] >= 0


def test_the_lines_can_be_turned_off(make_app, database_url, captured) -> None:
    quiet = make_app(SQLALCHEMY_DATABASE_URI=database_url, LOG_REQUESTS=False)
    assert quiet.test_client().get("/healthz").headers["X-Request-ID"]
    assert captured.lines == []
