"""The log under concurrent writers on PostgreSQL: transactions that commit out of id order
are neither skipped nor sealed twice, and verify reports no tampering while traffic runs."""

from __future__ import annotations

import threading

import pytest
import sqlalchemy as sa
from flask import current_app

from reviewq import jobs
from reviewq.extensions import audit_signer, db
from reviewq.models import AuditEvent
from reviewq.services import audit, audit_verify

pytestmark = pytest.mark.postgres_only


def leaves() -> dict[int, int | None]:
    db.session.rollback()
    return {i: leaf for i, leaf in db.session.execute(sa.select(AuditEvent.id, AuditEvent.leaf))}


def test_a_transaction_committing_an_earlier_id_late_is_neither_skipped_nor_doubled(ctx) -> None:
    with db.engine.connect() as slow, db.engine.connect() as fast:
        early = slow.execute(
            sa.insert(audit.EVENTS)
            .values(at=sa.func.now(), actor="t", action="a", subject="s:1", data={}, hash="0" * 64)
            .returning(audit.EVENTS.c.id)
        ).scalar_one()
        late = fast.execute(
            sa.insert(audit.EVENTS)
            .values(at=sa.func.now(), actor="t", action="a", subject="s:2", data={}, hash="1" * 64)
            .returning(audit.EVENTS.c.id)
        ).scalar_one()
        fast.commit()
        assert late > early
        jobs.seal()
        assert leaves()[late] is None  # held back: an earlier id may still commit
        slow.commit()
    for _ in range(50):  # another database's long transaction may hold the bound a moment
        jobs.seal()
        if None not in leaves().values():
            break
    found = leaves()
    assert found == {early: 0, late: 1}


def test_verify_under_concurrent_writes_and_seals_reports_no_tampering(ctx) -> None:
    app = current_app._get_current_object()
    stop = threading.Event()
    errors: list[BaseException] = []

    def write() -> None:
        with app.app_context():
            try:
                n = 0
                while not stop.is_set():
                    audit.record(db.session, "writer", "thing.done", f"thing:{n}", {"n": n})
                    db.session.commit()
                    n += 1
            except BaseException as exc:
                errors.append(exc)
            finally:
                db.session.remove()

    def seal() -> None:
        with app.app_context():
            try:
                while not stop.is_set():
                    jobs.seal()
            except BaseException as exc:
                errors.append(exc)
            finally:
                db.session.remove()

    threads = [threading.Thread(target=t) for t in (write, write, seal, seal)]
    for t in threads:
        t.start()
    try:
        reports = []
        for _ in range(8):
            reports.append(audit_verify.verify(db.session, audit_signer().verifier))
            db.session.rollback()
    finally:
        stop.set()
        for t in threads:
            t.join(30)
    assert errors == []
    assert [r.problem for r in reports] == [None] * len(reports)
    assert reports[-1].size > 0
    jobs.seal()
    assert audit_verify.verify(db.session, audit_signer().verifier).ok
