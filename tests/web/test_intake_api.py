import json
import threading
from datetime import UTC, datetime, timedelta

import pytest
import sqlalchemy as sa

from reviewq.domain import signing
from reviewq.domain.authority import Actor
from reviewq.domain.policy import Rule
from reviewq.extensions import db
from reviewq.models import AuditEvent, Item
from reviewq.services import policy
from tests.support.api import draft
from tests.support.audit import sealed_and_verified

PROBLEM = "application/problem+json"


def count_items() -> int:
    return db.session.scalar(sa.select(sa.func.count(Item.id)))


def test_new_draft_is_stored_with_its_requirements(source, ctx) -> None:
    resp = source.submit(draft(external_id="draft-8812", risk_tags=["refund", "beta-feature"]))
    assert resp.status_code == 201
    body = resp.get_json()
    assert body["status"] == "queued" and body["external_id"] == "draft-8812"
    assert body["unknown_tags"] == ["refund", "beta-feature"]  # no policy set yet
    assert set(body["requirements"]) >= {"min_level", "approvals", "sla_minutes", "due_at"}
    assert resp.headers["Location"] == body["links"]["self"]
    item = db.session.get(Item, body["id"])
    assert item.content.startswith("Dear customer")
    assert sealed_and_verified().ok


@pytest.mark.parametrize("same", ["webhook-id", "external_id"])
def test_repeats_answer_200_with_the_existing_item(source, ctx, same: str) -> None:
    first = source.submit(draft(external_id="d-1"), msg_id="msg-1").get_json()
    again = source.submit(
        draft(external_id="d-1" if same == "external_id" else "d-2"),
        msg_id="msg-1" if same == "webhook-id" else "msg-2",
    )
    assert again.status_code == 200
    assert again.get_json()["id"] == first["id"]
    assert count_items() == 1


def test_racing_identical_requests_store_one_item(app, source, ctx) -> None:
    body = json.dumps(draft(external_id="race-1")).encode()
    barrier, statuses = threading.Barrier(6), []

    def send() -> None:
        client = app.test_client()
        kit = type(source)(client, source.slug, source.secret, source.token)
        barrier.wait()
        statuses.append(kit.submit(None, raw=body, msg_id="same-msg").status_code)

    threads = [threading.Thread(target=send) for _ in range(6)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert sorted(statuses) == [200] * 5 + [201]
    assert count_items() == 1
    submitted = sa.select(sa.func.count()).where(AuditEvent.action == "item.submitted")
    assert db.session.scalar(submitted) == 1


def _unauthorized_cases(source):
    good = json.dumps(draft()).encode()
    yield "wrong secret", source.submit(None, raw=good, secret="whsec_" + "A" * 44)
    yield (
        "stale timestamp",
        source.submit(None, raw=good, at=datetime.now(UTC) - timedelta(minutes=6)),
    )
    yield (
        "future timestamp",
        source.submit(None, raw=good, at=datetime.now(UTC) + timedelta(minutes=6)),
    )
    signed = signing.sign(source.secret, "msg-x", good.decode(), datetime.now(UTC))
    yield (
        "unknown source",
        source.client.post("/api/v1/sources/nobody/items", data=good, headers=signed),
    )
    yield "no headers", source.client.post(f"/api/v1/sources/{source.slug}/items", data=good)
    yield (
        "malformed signature",
        source.submit(None, raw=good, headers={"webhook-signature": "garbage"}),
    )
    yield "bad base64", source.submit(None, raw=good, headers={"webhook-signature": "v1,!!!"})
    yield "bad timestamp", source.submit(None, raw=good, headers={"webhook-timestamp": "soon"})


def test_every_authentication_failure_gets_the_same_401(source, ctx) -> None:
    bodies = set()
    for case, resp in _unauthorized_cases(source):
        assert resp.status_code == 401, case
        assert resp.mimetype == PROBLEM, case
        bodies.add(resp.get_data())
    assert len(bodies) == 1
    assert count_items() == 0


def test_body_signed_over_other_bytes_is_refused(source, ctx) -> None:
    signed = source.submit(draft(external_id="a")).request.headers
    resp = source.client.post(
        f"/api/v1/sources/{source.slug}/items",
        data=json.dumps(draft(external_id="b")),
        headers={k: v for k, v in signed.items() if k.startswith("Webhook")},
    )
    assert resp.status_code == 401


@pytest.mark.parametrize(
    ("raw", "detail"),
    [
        (b"not json", "not JSON"),
        (b'{"external_id": NaN}', "NaN"),
    ],
)
def test_undecodable_bodies_get_400(source, ctx, raw: bytes, detail: str) -> None:
    resp = source.submit(None, raw=raw)
    assert resp.status_code == 400
    assert resp.mimetype == PROBLEM and detail in resp.get_json()["detail"]


def _with_raw_number(where: str, number: str) -> bytes:
    """A draft whose ``metadata.score`` or ``context.score`` is ``number`` written as is."""
    body = json.dumps(draft(**{where: {"score": "@number@"}}))
    return body.replace('"@number@"', number).encode()


@pytest.mark.parametrize("where", ["metadata", "context"])
@pytest.mark.parametrize(
    ("number", "message"),
    [
        ("1e400", "must be a finite number (out of range)"),
        ("-1e400", "must be a finite number (out of range)"),
        ("1" + "0" * 4300, "must have at most 4300 digits"),
        ("-" + "9" * 5000, "must have at most 4300 digits"),
    ],
)
def test_numbers_no_column_can_hold_get_422_naming_the_field(
    source, ctx, where: str, number: str, message: str
) -> None:
    resp = source.submit(None, raw=_with_raw_number(where, number))
    assert resp.status_code == 422 and resp.mimetype == PROBLEM
    assert resp.get_json()["errors"] == [{"field": f"{where}.score", "message": message}]
    assert count_items() == 0


def test_the_longest_integer_python_converts_is_stored(source, ctx) -> None:
    resp = source.submit(None, raw=_with_raw_number("metadata", "9" * 4300))
    assert resp.status_code == 201
    assert db.session.get(Item, resp.get_json()["id"]).meta["score"] == int("9" * 4300)


@pytest.mark.parametrize("literal", ["NaN", "Infinity", "-Infinity"])
def test_nan_and_infinity_literals_are_not_json_and_the_field_is_named(
    source, ctx, literal: str
) -> None:
    resp = source.submit(None, raw=_with_raw_number("metadata", literal))
    assert resp.status_code == 400 and resp.mimetype == PROBLEM
    assert resp.get_json()["errors"] == [
        {"field": "metadata.score", "message": f"{literal} is not valid JSON (in metadata.score)"}
    ]
    assert count_items() == 0


def test_non_utf8_body_is_a_client_error_never_a_crash(source, ctx) -> None:
    resp = source.client.post(
        f"/api/v1/sources/{source.slug}/items",
        data=b"\xff\xfe",
        headers={"webhook-id": "m", "webhook-timestamp": "1", "webhook-signature": "v1,AAAA"},
    )
    assert resp.status_code == 401 and resp.mimetype == PROBLEM


def test_field_errors_are_named_and_nothing_is_stored(source, ctx) -> None:
    resp = source.submit({"external_id": "bad id", "content": 5, "risk_tags": ["Refund"]})
    assert resp.status_code == 422 and resp.mimetype == PROBLEM
    fields = {e["field"] for e in resp.get_json()["errors"]}
    assert fields == {"external_id", "title", "content", "risk_tags[0]"}
    assert count_items() == 0


def test_body_over_the_limit_gets_413(app, source, ctx) -> None:
    big = draft(content="x" * (app.config["MAX_CONTENT_LENGTH"] + 1))
    resp = source.submit(big)
    assert resp.status_code == 413 and resp.mimetype == PROBLEM
    assert count_items() == 0


@pytest.mark.parametrize("command", ["pause", "retire"])
def test_paused_or_retired_source_gets_423_with_the_reason(runner, source, ctx, command) -> None:
    result = runner.invoke(args=["sources", command, source.slug, "--reason", "model drift"])
    assert result.exit_code == 0, result.output
    resp = source.submit(draft())
    assert resp.status_code == 423 and resp.mimetype == PROBLEM
    assert resp.get_json()["reason"] == "model drift"
    assert count_items() == 0


def test_rotated_secret_old_one_works_during_grace(runner, source, ctx) -> None:
    result = runner.invoke(args=["sources", "rotate-secret", source.slug])
    new_secret = result.output.split("new webhook secret: ")[1].split()[0]
    assert source.submit(draft(), secret=new_secret).status_code == 201
    assert source.submit(draft(), secret=source.secret).status_code == 201
    db.session.execute(sa.text("UPDATE sources SET previous_secret_until = created_at"))
    db.session.commit()
    assert source.submit(draft(), secret=source.secret).status_code == 401


def test_api_errors_are_problem_json(client) -> None:
    for resp, status in [
        (client.get("/api/v1/nowhere"), 404),
        (client.delete("/api/v1/openapi.json"), 405),
        (client.get("/api/v1/items/notanumber"), 404),
    ]:
        assert resp.status_code == status and resp.mimetype == PROBLEM
        assert resp.get_json()["status"] == status


def test_unexpected_errors_are_problem_json_500(make_app, database_url) -> None:
    app = make_app(SQLALCHEMY_DATABASE_URI=database_url)

    @app.get("/api/v1/boom")
    def boom():
        raise RuntimeError("secret internals")

    resp = app.test_client().get("/api/v1/boom")
    assert resp.status_code == 500 and resp.mimetype == PROBLEM
    assert "secret internals" not in resp.get_data(as_text=True)


def test_each_draft_is_routed_by_the_policy_in_force_when_it_arrives(source, ctx) -> None:
    first = policy.set_rules(db.session, Actor.system("test"), [Rule("refund", min_level=2)])
    db.session.commit()
    before = source.submit(draft(risk_tags=["refund"])).get_json()["requirements"]
    second = policy.set_rules(
        db.session, Actor.system("test"), [Rule("refund", min_level=3, approvals=2)]
    )
    db.session.commit()
    after = source.submit(draft(risk_tags=["refund"])).get_json()["requirements"]
    assert (before["policy_version"], before["min_level"]) == (first.id, 2)
    assert (after["policy_version"], after["min_level"], after["approvals"]) == (second.id, 3, 2)
