"""Job entry points. Each takes ids, runs in an app context, calls one service and commits.

RQ workers import this module by name (``reviewq.jobs.deliver``); the app is built lazily in
the worker process the first time a job needs it, never at import time.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from flask import Flask, has_app_context

from .extensions import db, db_session
from .models.types import utcnow

_app: Flask | None = None


@contextmanager
def _context() -> Iterator[None]:
    global _app
    if has_app_context():  # embedded mode and tests: the caller's app
        yield
        return
    if _app is None:
        from . import create_app

        _app = create_app()
    with _app.app_context():
        yield


def deliver(delivery_id: int) -> str:
    """Try one callback; on a retryable failure the next try is queued at its time."""
    from .services import deliveries

    with _context():
        try:
            return deliveries.attempt(db_session, delivery_id, utcnow())
        finally:
            db.session.remove()


def sweep() -> dict[str, Any]:
    """The periodic sweep: SLA breaches, expired claims, stale escalations, lost jobs."""
    from .services import sweep as sweep_service

    with _context():
        try:
            summary = sweep_service.run(db_session, utcnow())
            db_session.commit()
            return summary
        finally:
            db.session.remove()


def notify_external(notification_ids: list[int]) -> int:
    """Send notifications by email or chat webhook when those are configured."""
    from .services import channels

    with _context():
        try:
            return channels.send(db_session, notification_ids)
        finally:
            db.session.remove()
