"""Intake's hot path (``services/receiving.py``: on PostgreSQL one statement, its own
transaction, on a pooled connection in autocommit; on SQLite two Core statements) stores
what the general path stores, with an event that verifies, and stores all or nothing."""

from __future__ import annotations

import logging
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import pytest
import sqlalchemy as sa
from flask import Flask

from reviewq.domain.intake import parse_submission
from reviewq.extensions import db
from reviewq.models import AuditEvent, Item, Source
from reviewq.models.types import utcnow
from reviewq.services import intake
from tests.conftest import IsolatedClient
from tests.support.api import SourceKit, draft
from tests.support.audit import event_count, sealed_and_verified

PROBLEM = "application/problem+json"
# What a draft's own columns say, apart from its ids and times.
SAME = [c.key for c in sa.inspect(Item).columns if c.key not in {"id", "external_id", "webhook_id"}]
TIMES = {"created_at", "updated_at", "due_at"}


def _stored(item_id: int) -> tuple[dict[str, Any], AuditEvent]:
    item = db.session.get_one(Item, item_id)
    event = db.session.scalars(
        sa.select(AuditEvent).where(AuditEvent.subject == f"item:{item_id}")
    ).one()
    return {key: getattr(item, key) for key in SAME}, event


def test_a_draft_is_stored_as_the_general_path_stores_it(source: SourceKit, ctx) -> None:
    body = draft(risk_tags=["refund"], context={"prompt": "é <b>"}, metadata={"n": 1.5})
    assert source.submit(draft()).status_code == 201  # the first draft reads the source
    fast = source.submit(body | {"external_id": "fast-1"}, msg_id="msg-fast")
    assert fast.status_code == 201
    sent = db.session.scalars(sa.select(Source)).one()
    submission = parse_submission(body | {"external_id": "general-1"})
    general, created = intake.submit(db.session, sent, "msg-general", submission, utcnow())
    db.session.commit()
    assert created
    (fast_columns, fast_event), (general_columns, general_event) = map(
        _stored, [fast.get_json()["id"], general.id]
    )
    for columns in (fast_columns, general_columns):
        columns["due_at"] -= columns["created_at"]
        assert columns.pop("updated_at") == columns.pop("created_at")
    assert fast_columns == general_columns
    assert fast_event.at == db.session.get_one(Item, fast.get_json()["id"]).created_at
    for event in (fast_event, general_event):
        assert (event.actor, event.action) == ("source:support-bot", "item.submitted")
        assert event.hash == event.computed_hash()
    ids = {"external_id": "fast-1", "webhook_id": "msg-fast"}
    assert fast_event.data == general_event.data | ids
    assert sealed_and_verified().ok


@contextmanager
def events_refused(sqlstate: str) -> Iterator[None]:
    """Every audit event insert fails with ``sqlstate`` (a trigger), its detail quoting the
    event's data as PostgreSQL's own errors quote a failing row."""
    db.session.execute(
        sa.text(
            "CREATE FUNCTION refuse_event() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN "
            "RAISE EXCEPTION 'refused by the test' "
            f"USING ERRCODE = '{sqlstate}', DETAIL = NEW.data::text; END $$"
        )
    )
    db.session.execute(
        sa.text(
            "CREATE TRIGGER refuse_event BEFORE INSERT ON audit_events "
            "FOR EACH ROW EXECUTE FUNCTION refuse_event()"
        )
    )
    db.session.commit()
    try:
        yield
    finally:
        db.session.execute(sa.text("DROP TRIGGER refuse_event ON audit_events"))
        db.session.execute(sa.text("DROP FUNCTION refuse_event()"))
        db.session.commit()


def _count() -> tuple[int, int]:
    return db.session.scalar(sa.select(sa.func.count(Item.id))) or 0, event_count()


@pytest.mark.postgres_only
@pytest.mark.parametrize(
    ("sqlstate", "status"),
    [("query_canceled", 503), ("check_violation", 500)],  # e.g. a statement timeout; a bug
)
def test_a_statement_failing_at_the_event_stores_neither_and_logs_no_data(
    source: SourceKit, ctx, sqlstate: str, status: int, caplog: pytest.LogCaptureFixture
) -> None:
    assert source.submit(draft()).status_code == 201  # the snapshot is kept: the hot path
    before = _count()
    with events_refused(sqlstate), caplog.at_level(logging.DEBUG):
        resp = source.submit(draft(external_id="biopsy-okafor"), msg_id="msg-okafor")
    assert resp.status_code == status and resp.mimetype == PROBLEM
    assert _count() == before
    if status == 503:
        assert int(resp.headers["Retry-After"]) > 0 and "database unavailable" in caplog.text
    for text in (caplog.text, resp.get_data(as_text=True)):
        assert "okafor" not in text
    assert source.submit(draft(external_id="biopsy-okafor")).status_code == 201


@pytest.mark.postgres_only
def test_the_pooled_connection_goes_back_to_transactions(
    app: Flask, make_app, source: SourceKit, ctx
) -> None:
    """The statement runs in autocommit; the connection must leave it, after a success or
    a failure, or a later request's half-done change would be kept. One connection in the
    pool: every request and session here uses it."""
    served = make_app(
        SQLALCHEMY_DATABASE_URI=app.config["SQLALCHEMY_DATABASE_URI"],
        SQLALCHEMY_ENGINE_OPTIONS={"pool_size": 1, "max_overflow": 0, "pool_timeout": 5},
    )
    served.test_client_class = IsolatedClient
    kit = SourceKit(served.test_client(), source.slug, source.secret, source.token)
    item_id = kit.submit(draft()).get_json()["id"]  # read afresh: the session's transaction

    def rolled_back_change_is_gone() -> bool:
        with served.app_context():
            db.session.execute(sa.update(Item).where(Item.id == item_id).values(title="x"))
            db.session.rollback()
            db.session.remove()
        return db.session.get_one(Item, item_id).title != "x"

    assert kit.submit(draft()).status_code == 201  # the snapshot: autocommit
    assert rolled_back_change_is_gone()
    with events_refused("query_canceled"):
        assert kit.submit(draft()).status_code == 503
    assert rolled_back_change_is_gone()
    assert kit.submit(draft()).status_code == 201
