"""The intake contract at its edges: what a correctly signed but unusable body gets, how
the signature is read, bodies past the limit without Content-Length, and query parameters
nobody asked for."""

from __future__ import annotations

import base64
import hashlib
import hmac
import io
import json
import time
import uuid

import pytest
import sqlalchemy as sa

from reviewq.domain.authority import Actor
from reviewq.extensions import db
from reviewq.models import Item
from reviewq.models.types import utcnow
from reviewq.services import personal_tokens, users
from tests.support.api import draft

PROBLEM = "application/problem+json"


def raw_headers(secret: str, body: bytes, stamp: str | None = None) -> dict[str, str]:
    """Standard Webhooks headers computed here over the raw bytes (not through reviewq)."""
    msg_id = f"msg_{uuid.uuid4().hex}"
    stamp = stamp or str(int(time.time()))
    key = base64.b64decode(secret.removeprefix("whsec_"))
    mac = hmac.new(key, f"{msg_id}.{stamp}.".encode() + body, hashlib.sha256).digest()
    return {
        "webhook-id": msg_id,
        "webhook-timestamp": stamp,
        "webhook-signature": "v1," + base64.b64encode(mac).decode(),
    }


def count_items(app) -> int:
    with app.app_context():
        return db.session.scalar(sa.select(sa.func.count(Item.id)))


def test_a_correctly_signed_body_that_is_not_utf8_gets_400(app, source) -> None:
    body = b'{"external_id": "d-1", "title": "caf\xe9", "content": "Hello"}'  # Latin-1
    resp = source.client.post(
        f"/api/v1/sources/{source.slug}/items",
        data=body,
        headers={**raw_headers(source.secret, body), "Content-Type": "application/json"},
    )
    assert resp.status_code == 400 and resp.mimetype == PROBLEM
    assert "not UTF-8" in resp.get_json()["detail"]
    assert count_items(app) == 0


def test_the_signature_is_computed_over_the_raw_bytes(app, source) -> None:
    body = json.dumps(draft()).encode()
    resp = source.client.post(
        f"/api/v1/sources/{source.slug}/items",
        data=body,
        headers={**raw_headers(source.secret, body), "Content-Type": "application/json"},
    )
    assert resp.status_code == 201


def _with_signature(headers: dict[str, str], signature: str) -> dict[str, str]:
    return {**headers, "webhook-signature": signature}


def _bent(signature: str) -> list[str]:
    """Spellings of a valid ``v1,<base64>`` signature that lenient base64 decoding accepts."""
    b64 = signature.removeprefix("v1,")
    return [
        f"v1,{b64[:10]}!{b64[10:]}",  # a character outside the alphabet, skipped by b64decode
        f"v1,{b64[:10]}\t{b64[10:]}",
        f"v1,{b64}==",  # extra padding
        f"v1,{b64.rstrip('=')}",  # missing padding
        f"v1,{b64[:42]}{chr(ord(b64[42]) + 1)}=",  # non-zero trailing bits: same bytes
    ]


def test_the_signature_base64_is_decoded_strictly(app, source) -> None:
    body = json.dumps(draft()).encode()
    good = raw_headers(source.secret, body)
    statuses = []
    for bent in _bent(good["webhook-signature"]):
        resp = source.client.post(
            f"/api/v1/sources/{source.slug}/items",
            data=body,
            headers={**_with_signature(good, bent), "Content-Type": "application/json"},
        )
        statuses.append(resp.status_code)
    assert statuses == [401] * len(statuses)
    assert count_items(app) == 0
    resp = source.client.post(
        f"/api/v1/sources/{source.slug}/items",
        data=body,
        headers={**good, "Content-Type": "application/json"},
    )
    assert resp.status_code == 201  # the straight one still verifies


@pytest.mark.parametrize("spelling", ["{}.0", "{}.5", " {}", "+{}", "{}e0", "0{}"])
def test_a_timestamp_that_is_not_plain_whole_seconds_is_refused(source, spelling: str) -> None:
    """Signed over exactly that spelling, and current: only its form is wrong."""
    body = json.dumps(draft()).encode()
    stamp = spelling.format(int(time.time()))
    resp = source.client.post(
        f"/api/v1/sources/{source.slug}/items",
        data=body,
        headers={**raw_headers(source.secret, body, stamp), "Content-Type": "application/json"},
    )
    assert resp.status_code == 401


def test_a_chunked_body_over_the_limit_gets_413(app, source) -> None:
    """No Content-Length (Transfer-Encoding: chunked behind gunicorn): werkzeug reads up to
    the limit and used to hand back the truncated body, which then failed its signature."""
    limit = app.config["MAX_CONTENT_LENGTH"]
    body = json.dumps(draft(content="x" * limit)).encode()
    resp = source.client.post(
        f"/api/v1/sources/{source.slug}/items",
        input_stream=io.BytesIO(body),
        headers={**raw_headers(source.secret, body), "Content-Type": "application/json"},
        environ_overrides={"wsgi.input_terminated": True, "HTTP_TRANSFER_ENCODING": "chunked"},
    )
    assert resp.status_code == 413 and resp.mimetype == PROBLEM
    assert count_items(app) == 0


def test_a_chunked_body_within_the_limit_is_taken(app, source) -> None:
    body = json.dumps(draft()).encode()
    resp = source.client.post(
        f"/api/v1/sources/{source.slug}/items",
        input_stream=io.BytesIO(body),
        headers={**raw_headers(source.secret, body), "Content-Type": "application/json"},
        environ_overrides={"wsgi.input_terminated": True, "HTTP_TRANSFER_ENCODING": "chunked"},
    )
    assert resp.status_code == 201


def test_a_chunked_body_of_exactly_the_limit_is_not_413(app, source) -> None:
    limit = app.config["MAX_CONTENT_LENGTH"]
    body = json.dumps(draft(content="")).encode()
    body = body.replace(b'"content": ""', b'"content": "' + b"x" * (limit - len(body)) + b'"')
    assert len(body) == limit
    resp = source.client.post(
        f"/api/v1/sources/{source.slug}/items",
        input_stream=io.BytesIO(body),
        headers={**raw_headers(source.secret, body), "Content-Type": "application/json"},
        environ_overrides={"wsgi.input_terminated": True, "HTTP_TRANSFER_ENCODING": "chunked"},
    )
    assert resp.status_code == 422  # read whole and judged: content over MAX_CONTENT


def _api_requests(source, item_id: int) -> dict[tuple[str, str], tuple[str, str, dict]]:
    """Per API route: (method, path, authenticated request kwargs)."""
    body = json.dumps(draft()).encode()
    bearer = {"headers": {"Authorization": f"Bearer {source.token}"}}
    signed = {
        "data": body,
        "headers": {**raw_headers(source.secret, body), "Content-Type": "application/json"},
    }
    return {
        ("POST", "/api/v1/sources/<slug>/items"): (
            "POST",
            f"/api/v1/sources/{source.slug}/items",
            signed,
        ),
        ("GET", "/api/v1/sources/<slug>/items"): (
            "GET",
            f"/api/v1/sources/{source.slug}/items",
            bearer,
        ),
        ("GET", "/api/v1/items/<int:item_id>"): ("GET", f"/api/v1/items/{item_id}", bearer),
        ("POST", "/api/v1/items/<int:item_id>/withdraw"): (
            "POST",
            f"/api/v1/items/{item_id}/withdraw",
            bearer,
        ),
        ("GET", "/api/v1/openapi.json"): ("GET", "/api/v1/openapi.json", {}),
        ("GET", "/api/v1/audit/checkpoint"): ("GET", "/api/v1/audit/checkpoint", bearer),
        ("GET", "/api/v1/audit/proof"): ("GET", "/api/v1/audit/proof", bearer),
        ("GET", "/api/v1/audit/consistency"): ("GET", "/api/v1/audit/consistency", bearer),
    }


def test_every_api_route_refuses_unknown_query_parameters_after_authentication(app, source) -> None:
    item_id = source.submit(draft()).get_json()["id"]
    requests = _api_requests(source, item_id)
    with app.app_context():  # the reports API takes a person's token, not a source's
        manager = users.create_user(
            db.session, Actor.system("t"), "max@example.com", "Max", "manager", 1, "pw-long-enough"
        )
        _, personal = personal_tokens.issue(db.session, manager.actor, "BI tool", utcnow())
        db.session.commit()
    requests[("GET", "/api/v1/reports/<name>")] = (
        "GET",
        "/api/v1/reports/workload",
        {"headers": {"Authorization": f"Bearer {personal}"}},
    )
    api_routes = {
        (method, rule.rule)
        for rule in app.url_map.iter_rules()
        if rule.rule.startswith("/api/")
        for method in rule.methods - {"HEAD", "OPTIONS"}
    }
    assert set(requests) == api_routes
    for route, (method, path, kwargs) in requests.items():
        resp = source.client.open(f"{path}?verbose=1&limt=5", method=method, **kwargs)
        assert resp.status_code == 400 and resp.mimetype == PROBLEM, route
        names = [e["field"] for e in resp.get_json()["errors"]]
        assert names == ["limt", "verbose"], route
        if route[1] != "/api/v1/openapi.json":  # the only route without credentials
            stranger = source.client.open(f"{path}?verbose=1", method=method)
            assert stranger.status_code == 401, route
    assert count_items(app) == 1  # the signed draft with a stray parameter was not stored
