"""Twenty reviewers press Review next at the same moment, each on their own connection."""

import threading

import sqlalchemy as sa

from reviewq.domain.authority import Actor
from reviewq.domain.intake import parse_submission
from reviewq.extensions import db
from reviewq.models import AuditEvent
from reviewq.services import intake, review, sources, users
from tests.support.api import draft
from tests.support.audit import sealed_and_verified
from tests.support.clock import NOW

REVIEWERS = 20


def test_twenty_reviewers_get_twenty_different_items(make_app, database_url, source) -> None:
    # A pool as large as the crowd, so all twenty hold a connection at the same time.
    app = make_app(
        SQLALCHEMY_DATABASE_URI=database_url,
        SQLALCHEMY_ENGINE_OPTIONS={"pool_size": REVIEWERS, "max_overflow": 0, "pool_timeout": 5},
    )
    with app.app_context():
        src = sources.get(db.session, source.slug)
        for n in range(REVIEWERS + 5):
            intake.submit(
                db.session, src, f"m-{n}", parse_submission(draft(external_id=f"d-{n}")), NOW
            )
        actors = [
            (
                users.create_user(
                    db.session,
                    Actor.system("test"),
                    f"r{n}@example.com",
                    f"R{n}",
                    "reviewer",
                    3,
                    "long-enough-pw",
                )
            ).actor
            for n in range(REVIEWERS)
        ]
        db.session.commit()

    barrier = threading.Barrier(REVIEWERS)
    claimed: dict[int, int] = {}
    failures: list[BaseException] = []

    def press_review_next(actor) -> None:
        try:
            with app.app_context():  # its own session and connection
                barrier.wait()
                item = review.claim_next(db.session, actor, NOW)
                db.session.commit()
                claimed[actor.id] = item.id
        except BaseException as exc:  # reported below, not lost in the thread
            failures.append(exc)

    threads = [threading.Thread(target=press_review_next, args=(a,)) for a in actors]
    for t in threads:
        t.start()
    for t in threads:
        t.join(60)
    assert failures == []
    assert len(claimed) == REVIEWERS
    assert len(set(claimed.values())) == REVIEWERS  # nobody got someone else's item
    with app.app_context():
        claims = db.session.scalar(
            sa.select(sa.func.count()).where(AuditEvent.action == "item.claimed")
        )
        assert claims == REVIEWERS
        assert sealed_and_verified().ok
