"""`oversight export`: the streamed decision log is, byte for byte, the log of the records."""

import io
import json
from datetime import timedelta
from pathlib import Path

import pytest
import sqlalchemy as sa

from reviewq.domain.authority import Actor
from reviewq.domain.policy import DEFAULT_TAG, Rule
from reviewq.extensions import db
from reviewq.models import Canary, Decision, QaReview
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


BLNS = json.loads((Path(__file__).resolve().parents[1] / "data" / "blns.json").read_text())
ACTIVE = [None, 0.0, 1e-05, 0.1 + 0.2, 12.0, 7, 1e16, 5e-324, float("nan"), float("inf"), 3e3]
EDIT_CHARS = [None, 0, 7, -1, 2_000_000_000]
TAGS = [[], ["refund"], ["refund", "legal:eu"], ["Ü", "a b"], ['q"uote'], ["tab\t"], ["\u2028"]]


@pytest.mark.postgres_only
def test_the_postgresql_copy_writes_what_the_general_path_writes(ben, submit) -> None:
    """Every naughty string as a reason and as a replaced text, tag lists json writes its
    own way, canaries (expected outcomes known and not), QA results, edits, odd numbers and
    times: the lines PostgreSQL writes are the general path's, byte for byte."""
    items = [submit(content=TEXT) for _ in range(len(TAGS) + 3)]
    canaries = [
        Canary(
            source_id=items[0].source_id,
            title="c",
            content="c",
            risk_tags=[],
            context={},
            category="policy",
            expected=expected,
            created_by_id=ben.id,
        )
        for expected in ("reject", "escalate", "approve")
    ]
    db.session.add_all(canaries)
    db.session.flush()
    for item, tags in zip(items, TAGS, strict=False):
        item.risk_tags = tags
    db.session.flush()
    for item, stored in zip(items[-3:], ['["a","b"]', ' ["x"]', '["\\u00fc"]'], strict=True):
        db.session.execute(  # tag lists stored otherwise than json writes them
            sa.text("UPDATE items SET risk_tags = CAST(:tags AS json) WHERE id = :id"),
            {"tags": stored, "id": item.id},
        )
    for item, canary in zip(items[-3:], canaries, strict=True):
        item.canary_id = canary.id
    for item, agrees, done in [
        (items[1], True, NOW),
        (items[2], False, NOW),
        (items[3], True, None),
    ]:
        db.session.add(QaReview(item_id=item.id, created_at=NOW, agrees=agrees, done_at=done))
    actions = ["approve", "edit", "reject", "escalate", "return"]
    rows = []
    for n, naughty in enumerate(BLNS):
        opened = NOW + timedelta(minutes=n, microseconds=n * 7919 % 1_000_000)
        dwell = timedelta(seconds=[30, 0, -1, -3600, 0.5][n % 5], microseconds=n % 3)
        rows.append(
            {
                "item_id": items[n % len(items)].id,
                "user_id": ben.id,
                "action": actions[n % len(actions)],
                "item_version": 1,
                "content_before": [naughty, None, "", TEXT][n % 4],
                "reason": [naughty, None][n % 7 == 6],
                "opened_at": opened,
                "decided_at": opened + dwell,
                "active_seconds": ACTIVE[n % len(ACTIVE)],
                "edit_chars": EDIT_CHARS[n % len(EDIT_CHARS)],
            }
        )
    db.session.execute(sa.insert(Decision), rows)
    db.session.commit()
    db.session.expire_all()

    out = io.StringIO()
    written = export.write(db.session, NOW - timedelta(hours=2), out)
    db.session.rollback()

    general = "".join(export.lines(db.session, NOW - timedelta(hours=2)))
    assert out.getvalue() == general == old_log(NOW - timedelta(hours=2))
    assert written == general.count("\n") > len(BLNS) // 2
    reasons = {line["reason"] for line in map(json.loads, general.split("\n")[:-1])}
    assert reasons & set(BLNS)  # the naughty strings came through as they are
