"""The API kit: a source's one-time credentials with helpers that call the API as it, and
a valid submission body to vary."""

from __future__ import annotations

import json
import uuid
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from flask.testing import FlaskClient
from werkzeug.test import TestResponse

from reviewq.domain import signing


@dataclass
class SourceKit:
    """A source with its one-time credentials, and helpers to call the API as it."""

    client: FlaskClient
    slug: str
    secret: str
    token: str

    def submit(
        self,
        payload: Any,
        *,
        msg_id: str | None = None,
        secret: str | None = None,
        at: datetime | None = None,
        raw: bytes | None = None,
        headers: dict[str, str] | None = None,
    ) -> TestResponse:
        body = raw if raw is not None else json.dumps(payload).encode()
        signed = signing.sign(
            secret or self.secret,
            msg_id or f"msg_{uuid.uuid4().hex}",
            body.decode("utf-8", "replace"),
            at or datetime.now(UTC),
        )
        return self.client.post(
            f"/api/v1/sources/{self.slug}/items",
            data=body,
            headers={**signed, "Content-Type": "application/json", **(headers or {})},
        )

    def get(self, path: str, token: str | None = None) -> TestResponse:
        return self.client.get(path, headers={"Authorization": f"Bearer {token or self.token}"})

    def post(self, path: str, token: str | None = None) -> TestResponse:
        return self.client.post(path, headers={"Authorization": f"Bearer {token or self.token}"})


def draft(**overrides: Any) -> dict[str, Any]:
    """A valid submission body; keyword arguments replace or add fields."""
    body = {
        "external_id": f"draft-{uuid.uuid4().hex[:8]}",
        "title": "Reply to ticket #8812",
        "content": "Dear customer, your refund of $42.00 is on its way.",
        "content_type": "text/markdown",
        "risk_tags": ["refund", "customer-facing"],
        "context": {"prompt": "Draft a reply", "conversation": [{"role": "user", "content": "Hi"}]},
        "metadata": {"model": "demo-model", "confidence": 0.71},
    }
    body.update(overrides)
    return body
