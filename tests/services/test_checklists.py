"""Friction scaled to risk: checklists in the policy, the approval gate, and where the ticks
go (the decision, the receipt, the decision log, the oversight report)."""

import io
import json
from datetime import timedelta

import pytest

from reviewq.domain.authority import Actor
from reviewq.domain.checklist import Ticks
from reviewq.domain.errors import ValidationFailed
from reviewq.domain.oversight import DecisionRecord, analyze_lines
from reviewq.domain.policy import DEFAULT_TAG, Rule
from reviewq.domain.workflow import ItemStatus
from reviewq.extensions import db
from reviewq.models import AuditEvent, Decision, Item
from reviewq.services import deliveries, export, oversight, policy, users
from tests.support.clock import NOW
from tests.support.review import claim, decide

REFUND = ("The refund is allowed by the policy excerpt.", "The amount matches the order.")
LEGAL = ("No legal advice beyond the approved wording.", "The amount matches the order.")
ALL = (*LEGAL, REFUND[0])  # legal's and refund's without the repeat: policy order (by tag)


@pytest.fixture
def people(ctx, owner):
    system = Actor.system("test")
    made = users.create_user(db.session, system, "ben@example.com", "Ben", "reviewer", 3, "x" * 14)
    policy.set_rules(
        db.session,
        system,
        [
            Rule(DEFAULT_TAG),
            Rule("low-risk"),
            Rule("refund", min_level=2, checklist=REFUND),
            Rule("legal", min_level=2, checklist=LEGAL, context_required=True),
        ],
    )
    db.session.commit()
    return {"ben": made.actor}


@pytest.fixture
def ben(people):
    return people["ben"]


def all_ticked(n: int, ms: int = 4000, context: int | None = 1500) -> Ticks:
    return Ticks(frozenset(range(n)), {i: ms + 700 * i for i in range(n)}, context)


def test_the_item_checklist_is_the_union_in_policy_order(ben, submit) -> None:
    item = submit(["refund", "legal", "low-risk"])
    checklist = policy.checklist_for(db.session, item)
    assert checklist.statements == ALL
    assert checklist.context_required is True
    assert checklist.risk == "legal, refund"
    assert not policy.checklist_for(db.session, submit(["low-risk"])).gated


@pytest.mark.parametrize("action", ["approve", "edit"])
def test_an_approval_without_every_tick_is_refused_and_stores_nothing(ben, submit, action) -> None:
    submit(["refund"], content="Your refund of $42 is on its way.")
    item = claim(ben)
    half = Ticks(frozenset({0}), {0: 3000})
    fields = {"content": "Your refund of $24 is on its way."} if action == "edit" else {}
    with pytest.raises(ValidationFailed) as refused:
        decide(ben, item, action, ticks=half, **fields)
    db.session.rollback()
    assert refused.value.errors == [
        {
            "field": "checks",
            "message": "Tick every statement before approving a refund draft (1 of 2 ticked).",
        }
    ]
    assert db.session.get(Item, item.id).status is ItemStatus.IN_REVIEW
    assert db.session.query(Decision).count() == 0


def test_the_context_must_have_been_opened_where_the_tag_asks(ben, submit) -> None:
    submit(["legal"])
    item = claim(ben)
    with pytest.raises(ValidationFailed) as refused:
        decide(ben, item, "approve", ticks=all_ticked(2, context=None))
    db.session.rollback()
    assert [e["message"] for e in refused.value.errors] == [
        "Open the context before approving a legal draft."
    ]


def test_reject_needs_no_ticks_and_keeps_what_was_ticked(ben, submit) -> None:
    submit(["refund"])
    decision = decide(
        ben, claim(ben), "reject", reason_code="factual_error", reason="wrong sum",
        ticks=Ticks(frozenset({1}), {1: 2500}),
    )  # fmt: skip
    assert decision.checklist == {
        "items": [
            {"statement": REFUND[0], "ticked": False, "ticked_ms": None},
            {"statement": REFUND[1], "ticked": True, "ticked_ms": 2500},
        ],
        "context_required": False,
        "context_opened_ms": None,
    }


def test_the_ticks_go_with_the_decision_its_audit_event_and_the_receipt(ben, submit) -> None:
    submit(["refund", "legal"])
    item = claim(ben)
    decision = decide(ben, item, "approve", ticks=all_ticked(3))
    assert db.session.get(Item, item.id).status is ItemStatus.APPROVED
    stored = db.session.get(Decision, decision.id).checklist
    assert [(b["statement"], b["ticked_ms"]) for b in stored["items"]] == [
        (ALL[0], 4000),
        (ALL[1], 4700),
        (ALL[2], 5400),
    ]
    assert stored["context_opened_ms"] == 1500
    event = db.session.query(AuditEvent).filter_by(action="item.approve").one()
    assert event.data["checklist"]["ticked"] == 3
    receipt = deliveries.payload(db.session, item, "approved", NOW)["data"]["receipt"]
    assert receipt["checklist"] == [{"action": "approve", **stored}]


def test_a_low_risk_approval_needs_no_ticks_and_its_receipt_has_no_checklist(ben, submit) -> None:
    submit(["low-risk"])
    item = claim(ben)
    decision = decide(ben, item, "approve")
    assert decision.checklist is None
    receipt = deliveries.payload(db.session, item, "approved", NOW)["data"]["receipt"]
    assert "checklist" not in receipt


def test_the_export_carries_the_checklist_on_both_paths(ben, submit) -> None:
    """Lines with and without a checklist: the export (PostgreSQL's SQL-built lines on
    PostgreSQL) writes exactly what json writes for the records."""
    for n, tags in enumerate([["refund", "legal"], ["low-risk"], ["refund"]]):
        submit(tags)
        at = NOW + timedelta(seconds=30 + n)
        ticks = all_ticked(3, ms=400) if n == 0 else Ticks(frozenset({0}), {})
        action = "approve" if n < 2 else "escalate"
        fields = {"reason": "unsure"} if action == "escalate" else {}
        decide(ben, claim(ben), action, at=at, ticks=ticks, **fields)
    db.session.expire_all()
    since = NOW - timedelta(hours=1)
    out = io.StringIO()
    assert export.write(db.session, since, out) == 3
    dumps = json.JSONEncoder(ensure_ascii=False).encode
    expected = "".join(
        dumps(oversight.log_line(r)) + "\n" for r in oversight.records(db.session, since)
    )
    assert out.getvalue() == expected
    lines = [json.loads(line) for line in out.getvalue().splitlines()]
    assert lines[0]["checklist"] == {
        "boxes": 3,
        "ticked": 3,
        "ticked_ms": [400, 1100, 1800],
        "context_required": True,
        "context_opened_ms": 1500,
    }
    assert "checklist" not in lines[1]
    assert lines[2]["checklist"]["ticked_ms"] == [None, None]
    assert lines[2]["checklist"]["ticked"] == 1
    # and a record read back from the log keeps it
    assert DecisionRecord.from_dict(lines[0]).checklist == lines[0]["checklist"]


@pytest.mark.parametrize(
    ("rule", "message"),
    [
        (Rule("refund", checklist=("",)), "checklist statement 1 must be non-empty text"),
        (Rule("refund", checklist=("x" * 201,)), "longer than 200 characters"),
        (Rule("refund", checklist=("a", "a")), "must differ from each other"),
        (Rule("refund", checklist=tuple("abcdefghi")), "at most 8 statements"),
        (Rule("refund", checklist=(" padded",)), "one line without surrounding spaces"),
        (Rule("refund", checklist=("two\nlines",)), "one line without surrounding spaces"),
    ],
)
def test_bad_checklists_are_refused_with_a_clear_message(people, rule, message) -> None:
    admin = Actor.system("test")
    with pytest.raises(ValidationFailed) as refused:
        policy.set_rules(db.session, admin, [rule])
    assert any(message in e["message"] for e in refused.value.errors)
    assert all(e["field"] == "refund" for e in refused.value.errors)


def _line(n: int, ms: list[int | None], ticked: int) -> str:
    start = NOW + timedelta(minutes=n)
    record = {
        "reviewer": "r1", "item": f"i{n}", "words": 120, "action": "approve",
        "opened_at": start.isoformat(), "decided_at": (start + timedelta(seconds=40)).isoformat(),
        "checklist": {"boxes": len(ms), "ticked": ticked, "ticked_ms": ms,
                      "context_required": False, "context_opened_ms": None},
    }  # fmt: skip
    return json.dumps(record)


def test_analyze_shows_ticking_within_a_second_as_evidence_never_a_flag() -> None:
    lines = [_line(n, [300, 650], 2) for n in range(3)] + [_line(3, [300, 5200], 2)]
    report, errors = analyze_lines(lines)
    assert errors == []
    result = report.reviewer("r1")
    assert result.metrics["checklist"] == {"decisions": 4, "rushed": 3, "share": 0.75}
    evidence = [e for e in result.evidence if e["signal"] == "checklist"]
    assert evidence[0]["summary"].startswith("every box ticked within 1 s of opening the item")
    assert [x["item"] for x in evidence[0]["examples"]] == ["i0", "i1", "i2"]
    assert result.flagged is False and "checklist" not in result.signals


def test_analyze_reads_old_logs_unchanged_and_refuses_a_bad_checklist() -> None:
    old = [json.dumps({k: v for k, v in json.loads(_line(0, [1], 1)).items() if k != "checklist"})]
    report, errors = analyze_lines(old)
    assert errors == [] and "checklist" not in report.reviewer("r1").metrics
    bad = [_line(0, [1, 2], 3)]
    _, errors = analyze_lines(bad)
    assert [str(e) for e in errors] == [
        "line 1: field checklist: ticked: expected an integer 0 to boxes"
    ]
