import sqlalchemy as sa

from reviewq.extensions import db
from reviewq.models import AuditEvent
from reviewq.services import audit


def test_events_chain_and_verify(ctx) -> None:
    for n in range(5):
        audit.record(db.session, "test", "thing.done", f"thing:{n}", {"n": n})
    db.session.commit()
    assert audit.verify(db.session) == (5, None)


def test_edited_event_is_reported(ctx) -> None:
    for n in range(3):
        audit.record(db.session, "test", "thing.done", f"thing:{n}", {"n": n})
    db.session.commit()
    db.session.execute(sa.update(AuditEvent).where(AuditEvent.seq == 2).values(actor="mallory"))
    db.session.commit()
    count, broken = audit.verify(db.session)
    assert count == 1 and broken.seq == 2


def test_events_cut_off_the_end_are_reported(ctx) -> None:
    for n in range(3):
        audit.record(db.session, "test", "thing.done", f"thing:{n}")
    db.session.commit()
    db.session.execute(sa.delete(AuditEvent).where(AuditEvent.seq == 3))
    db.session.commit()
    count, broken = audit.verify(db.session)
    assert count == 2 and broken is not None and "missing" in broken.problem
