"""Pooled connections are pinged only after idling (create_app's ``_ping_when_idle``), not
before every request: a connection that died while idle is replaced unseen; one that dies
within the idle window fails its request once, as a 503 the client may retry."""

from __future__ import annotations

import time

import pytest
import sqlalchemy as sa
from flask import Flask

from reviewq.extensions import db
from tests.conftest import IsolatedClient
from tests.support.api import SourceKit, draft


@pytest.mark.postgres_only
@pytest.mark.parametrize(("idle_seconds", "status"), [(0.05, 201), (3600.0, 503)])
def test_a_connection_killed_while_idle(
    app: Flask, make_app, source: SourceKit, ctx, idle_seconds: float, status: int
) -> None:
    served = make_app(
        SQLALCHEMY_DATABASE_URI=app.config["SQLALCHEMY_DATABASE_URI"],
        DB_PING_IDLE_SECONDS=idle_seconds,
    )
    served.test_client_class = IsolatedClient
    kit = SourceKit(served.test_client(), source.slug, source.secret, source.token)
    assert kit.submit(draft()).status_code == 201
    with served.app_context():  # the one connection in its pool
        pid = db.session.scalar(sa.select(sa.func.pg_backend_pid()))
        db.session.remove()
    assert db.session.scalar(sa.select(sa.func.pg_terminate_backend(pid)))
    time.sleep(0.2)
    assert kit.submit(draft()).status_code == status
    assert kit.submit(draft()).status_code == 201  # the pool has moved on either way
