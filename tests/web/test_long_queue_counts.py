"""A long queue: the queue and canary pages show the sweep's recent count, marked "about",
instead of counting a million rows on every visit; a short queue is counted exactly."""

from datetime import timedelta

import pytest
import sqlalchemy as sa

from reviewq.domain.authority import Actor
from reviewq.extensions import db
from reviewq.models import CountSnapshot
from reviewq.models.types import utcnow
from reviewq.services import snapshots, sweep, users
from tests.support.api import draft
from tests.support.auth import client_of


@pytest.fixture
def people(app):
    with app.app_context():
        for email, role in [("rita@example.com", "reviewer"), ("sam@example.com", "supervisor")]:
            users.create_user(db.session, Actor.system("test"), email, "X", role, 3, "x" * 14)
        db.session.commit()
    return (
        client_of(app, "rita@example.com", "x" * 14),
        client_of(app, "sam@example.com", "x" * 14),
    )


def swept(app) -> None:
    with app.app_context():
        sweep.run(db.session, utcnow(), between=db.session.commit)
        db.session.commit()


def queue_page(client) -> str:
    return client.get("/queue").get_data(as_text=True)


def test_a_short_queue_is_counted_on_every_visit(app, source, people) -> None:
    reviewer, _ = people
    for _ in range(3):
        source.submit(draft(risk_tags=[]))
    swept(app)
    source.submit(draft(risk_tags=[]))
    page = queue_page(reviewer)
    assert "4 items you can review" in page
    assert "about" not in page.lower()


def test_a_long_queue_shows_the_sweeps_count_as_about(app, source, people, monkeypatch) -> None:
    monkeypatch.setattr(snapshots, "LARGE", 3)  # "long" from three queued items
    reviewer, supervisor = people
    for _ in range(3):
        source.submit(draft(risk_tags=[]))
    swept(app)
    source.submit(draft(risk_tags=[]))  # after the count: not in it

    page = queue_page(reviewer)
    assert "About 3 items you can review" in page
    assert "counts marked “about” are the sweep’s count" in page
    assert "<b>about 3</b>" in page  # by risk, by source, by age
    assert page.count("ticket") >= 4  # the items listed are read now: all four

    swept(app)  # the next sweep's count
    assert "About 4 items you can review" in queue_page(reviewer)
    canary_page = supervisor.get("/canaries").get_data(as_text=True)
    assert "No canary decided yet." in canary_page  # no canary decided: too few to be "long"


def test_an_old_count_is_not_shown(app, source, people, monkeypatch) -> None:
    monkeypatch.setattr(snapshots, "LARGE", 3)
    reviewer, _ = people
    for _ in range(3):
        source.submit(draft(risk_tags=[]))
    swept(app)
    source.submit(draft(risk_tags=[]))
    with app.app_context():  # the sweep stopped running ten minutes ago
        db.session.execute(
            sa.update(CountSnapshot).values(counted_at=utcnow() - timedelta(minutes=10))
        )
        db.session.commit()
    page = queue_page(reviewer)
    assert "4 items you can review" in page
    assert "about" not in page.lower()


def test_each_sweep_keeps_one_count_of_each_kind(app, source, people) -> None:
    source.submit(draft(risk_tags=[]))
    swept(app)
    swept(app)
    with app.app_context():
        kinds = db.session.scalars(sa.select(CountSnapshot.kind).order_by(CountSnapshot.kind))
        assert list(kinds) == ["catches", "queue"]
