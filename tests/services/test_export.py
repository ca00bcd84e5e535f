"""`oversight export`: the streamed decision log is, byte for byte, the log of the records."""

import io
import json
from datetime import timedelta

import pytest

from reviewq.domain.authority import Actor
from reviewq.domain.policy import DEFAULT_TAG, Rule
from reviewq.extensions import db
from reviewq.models import Decision
from reviewq.services import export, oversight, policy, users
from tests.support.clock import NOW
from tests.support.review import claim, decide

REASON = 'Zu "kurz"\n\t\x01 \u2028 ✓'  # escaped as json escapes it, the rest as is
TEXT = "Dear customer,\nthe refund of $42.00 is on its way.\n\nKind regards"


@pytest.fixture
def people(ctx, owner):
    system = Actor.system("test")
    made = users.create_user(db.session, system, "bén@example.com", "Bén", "reviewer", 3, "x" * 14)
    policy.set_rules(db.session, system, [Rule(DEFAULT_TAG), Rule("refund", min_level=2)])
    db.session.commit()
    return {"ben": made.actor}


@pytest.fixture
def ben(people):
    return people["ben"]


def old_log(since) -> str:
    """What the export wrote before it was built as text: json of each record's line."""
    dumps = json.JSONEncoder(ensure_ascii=False).encode
    records = oversight.records(db.session, since)
    return "".join(dumps(oversight.log_line(r)) + "\n" for r in records)


def test_the_export_writes_exactly_the_records_log(ben, submit) -> None:
    kinds = [
        ((), "approve", {}),
        (["refund"], "edit", {"content": TEXT.replace("$42.00", "$24.00")}),
        (["refund", "legal:eu"], "reject", {"reason_code": "tone", "reason": REASON}),
        ((), "escalate", {"reason": "not sure"}),
        ((), "approve", {}),  # clock skew within tolerance: decided_at becomes opened_at
        ((), "approve", {}),  # active time beyond the dwell: clamped to it
        ((), "approve", {}),  # decided an hour before it was opened: left out
        ((), "approve", {}),  # no active time
    ]
    ids = []
    for n, (tags, action, fields) in enumerate(kinds):
        submit(tags, content=TEXT)
        at = NOW + timedelta(seconds=30 + n)
        ids.append(decide(ben, claim(ben), action, at=at, **fields).id)
    approved, edited, rejected, escalated = (db.session.get(Decision, i) for i in ids[:4])
    approved.opened_at += timedelta(microseconds=123_456)  # times with and without fractions
    approved.decided_at += timedelta(microseconds=500)
    approved.active_seconds = 12.0  # floats as Python writes them
    edited.active_seconds = 0.1 + 0.2
    rejected.active_seconds = 7
    escalated.active_seconds = 1e-05  # an exponent
    skewed, lingered, backwards, untimed = (db.session.get(Decision, i) for i in ids[4:])
    skewed.decided_at = skewed.opened_at - timedelta(seconds=1)
    lingered.active_seconds = 10_000.5
    backwards.opened_at = backwards.decided_at + timedelta(hours=1)
    untimed.active_seconds = None
    db.session.commit()
    db.session.expire_all()  # both paths read what was stored

    out = io.StringIO()
    since = NOW - timedelta(hours=1)  # the skewed decision is dated before the claim
    written = export.write(db.session, since, out)

    assert out.getvalue() == old_log(since)
    assert written == len(kinds) - 1
    lines = {int(line["id"]): line for line in map(json.loads, out.getvalue().split("\n")[:-1])}
    assert sorted(lines) == sorted(set(ids) - {ids[6]})
    edit, reject, skewed_line = lines[ids[1]], lines[ids[2]], lines[ids[4]]
    assert edit["edited"] is True and edit["words"] == len(TEXT.split())
    assert reject["reason"] == REASON
    assert reject["risk_tags"] == ["refund", "legal:eu"]
    assert skewed_line["decided_at"] == skewed_line["opened_at"]
    assert lines[ids[5]]["active_seconds"] < 10_000


def test_an_export_of_more_lines_than_a_write_carries(ben, submit, monkeypatch) -> None:
    monkeypatch.setattr(export, "CHUNK", 2)
    for n in range(5):
        submit(content=TEXT)
        decide(ben, claim(ben), "approve", at=NOW + timedelta(seconds=30 + n))
    out = io.StringIO()
    assert export.write(db.session, NOW, out) == 5
    assert out.getvalue() == old_log(NOW)
