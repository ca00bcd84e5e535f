"""Fuzz the API against its own OpenAPI document with schemathesis (all default checks).

Schemathesis 4's pytest fixture integration is broken on pytest 9.2, so the schema is loaded
at module level with ``from_wsgi`` through ``AppProxy``; a fixture points the proxy at the
test app (on the test database) before any request is fuzzed.
The signed intake endpoint goes through ``SigningMiddleware``, which signs whatever body
schemathesis sends whenever the request carries the ``webhook-signature`` security header,
and leaves unsigned requests alone so the ignored-auth check still sees a real 401.
"""

from __future__ import annotations

import io
import json
import re
import uuid
from datetime import UTC, datetime
from typing import Any

import pytest
import schemathesis
from hypothesis import HealthCheck, settings

from reviewq import jobs
from reviewq.domain import signing
from reviewq.domain.authority import Actor
from reviewq.extensions import db
from reviewq.models.types import utcnow
from reviewq.services import audit, personal_tokens, users
from reviewq.web.openapi import openapi_document


class AppProxy:
    """A WSGI app that forwards to ``target``; before one is set it serves only the document."""

    target: Any = None

    def __call__(self, environ: dict[str, Any], start_response: Any) -> Any:
        if self.target is None:  # only while the module loads the schema
            start_response("200 OK", [("Content-Type", "application/json")])
            return [json.dumps(openapi_document()).encode()]
        return self.target(environ, start_response)


PROXY = AppProxy()
# A body over the size limit is rejected with 413, which is as much a rejection as a 422.
# A report's range may be valid field by field and still refused (an end before its start,
# more than 400 days): a 400 the schema cannot express.
CONFIG = schemathesis.Config.from_dict(
    {
        "operations": [
            {
                "include-path": "/api/v1/reports/{name}",
                "checks": {
                    "positive_data_acceptance": {
                        "expected-statuses": ["2xx", "400", "401", "403", "404"]
                    }
                },
            }
        ],
        "checks": {
            "negative_data_rejection": {
                "expected-statuses": [
                    "400",
                    "401",
                    "403",
                    "404",
                    "405",
                    "406",
                    "409",
                    "413",
                    "415",
                    "422",
                    "428",
                    "429",
                    "5xx",
                ]
            }
        },
    }
)
schema = schemathesis.openapi.from_wsgi("/api/v1/openapi.json", PROXY, config=CONFIG)
INTAKE = re.compile(r"^/api/v1/sources/([^/]+)/items$")
SLUG = "fuzz-bot"
STATUSES: list[int] = []


class SigningMiddleware:
    """Sign intake requests the way an AI source would, with the source's real secret."""

    def __init__(self, app: Any, secrets: dict[str, str]):
        self.app, self.secrets = app, secrets

    def __call__(self, environ: dict[str, Any], start_response: Any) -> Any:
        match = INTAKE.match(environ.get("PATH_INFO", ""))
        if environ["REQUEST_METHOD"] == "POST" and match and "HTTP_WEBHOOK_SIGNATURE" in environ:
            body = environ["wsgi.input"].read(int(environ.get("CONTENT_LENGTH") or 0))
            environ["wsgi.input"] = io.BytesIO(body)
            secret = self.secrets.get(match.group(1), signing.new_secret())
            signed = signing.sign(
                secret,
                f"msg_{uuid.uuid4().hex}",
                body.decode("utf-8", "replace"),
                datetime.now(UTC),
            )
            for name, value in signed.items():
                environ["HTTP_" + name.upper().replace("-", "_")] = value
        return self.app(environ, start_response)


@schema.auth(refresh_interval=None)  # a fresh source (and token) per test
class SourceToken:
    """The fuzzed source's bearer token, given through schemathesis so its auth checks see it
    (on the reports API: a manager's personal token)."""

    token = ""
    personal = ""

    def get(self, case: schemathesis.Case, context: schemathesis.AuthContext) -> str:
        return self.personal if case.path.startswith("/api/v1/reports/") else self.token

    def set(self, case: schemathesis.Case, data: str, context: schemathesis.AuthContext) -> None:
        case.headers = {**(case.headers or {}), "Authorization": f"Bearer {data}"}


@pytest.fixture
def fuzz_target(app, make_source):
    kit = make_source(SLUG)
    kit.submit({"external_id": "seed-1", "title": "Seed", "content": "Seed draft"})
    for n in range(300):  # events to prove whatever small id or size the fuzzer picks
        audit.record(db.session, "fuzz", "fuzz.seeded", f"fuzz:{n}")
    db.session.commit()
    jobs.seal()
    manager = users.create_user(
        db.session, Actor.system("test"), "bi@example.com", "BI", "manager", 1, "a-long-password"
    )
    db.session.flush()
    _, SourceToken.personal = personal_tokens.issue(db.session, manager.actor, "BI", utcnow())
    db.session.commit()
    PROXY.target = SigningMiddleware(app.wsgi_app, {SLUG: kit.secret})
    SourceToken.token = kit.token
    STATUSES.clear()
    yield
    PROXY.target = None
    # Guard against a toothless run (e.g. a stale token turning every case into a 401).
    assert any(200 <= status < 300 for status in STATUSES), f"no 2xx among {set(STATUSES)}"


def test_served_document_is_the_one_fuzzed(client) -> None:
    assert client.get("/api/v1/openapi.json").get_json() == openapi_document()


@schema.parametrize()
@settings(
    max_examples=60,
    deadline=None,
    suppress_health_check=[
        HealthCheck.too_slow,
        HealthCheck.filter_too_much,
        HealthCheck.function_scoped_fixture,
    ],
)
def test_api_conforms_to_its_document(case: schemathesis.Case, fuzz_target) -> None:
    if "slug" in (case.path_parameters or {}):
        case.path_parameters["slug"] = SLUG
    STATUSES.append(case.call_and_validate().status_code)
