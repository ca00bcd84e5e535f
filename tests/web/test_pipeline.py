"""The shared view steps: committing() and get_or_404()."""

import pytest
import sqlalchemy as sa
from flask import get_flashed_messages
from werkzeug.exceptions import NotFound

from reviewq.domain.errors import Conflict, NotAllowed
from reviewq.extensions import db
from reviewq.models import AuditEvent
from reviewq.services import audit
from reviewq.web.pipeline import committing, get_or_404


def events() -> int:
    return db.session.scalar(sa.select(sa.func.count(AuditEvent.id))) or 0


def test_committing_commits_the_block_and_says_so(app, ctx) -> None:
    with app.test_request_context("/"):
        with committing(Conflict) as done:
            audit.record(db.session, "test", "thing.done", "thing:1")
        db.session.rollback()  # nothing left to undo: it was committed
        assert done and events() == 1 and get_flashed_messages() == []


def test_committing_rolls_back_and_flashes_a_listed_error(app, ctx) -> None:
    with app.test_request_context("/"):
        with committing(Conflict) as done:
            audit.record(db.session, "test", "thing.done", "thing:1")
            raise Conflict("taken already")
        assert not done and events() == 0
        assert get_flashed_messages(with_categories=True) == [("error", "taken already")]


def test_committing_lets_other_errors_through(app, ctx) -> None:
    with app.test_request_context("/"), pytest.raises(NotAllowed), committing(Conflict):
        raise NotAllowed("no")


def test_get_or_404(app, ctx) -> None:
    with pytest.raises(NotFound):
        get_or_404(AuditEvent, 12345)
