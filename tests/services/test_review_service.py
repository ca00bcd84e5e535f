"""The reviewer's actions, and every move the rules forbid."""

import io
import json
from datetime import timedelta

import pytest
import sqlalchemy as sa

from reviewq.domain.authority import Actor
from reviewq.domain.errors import (
    NotAllowed,
    StaleClaim,
    StaleVersion,
    TwoPersonRule,
    ValidationFailed,
)
from reviewq.domain.oversight import DecisionRecord
from reviewq.domain.policy import DEFAULT_TAG, Rule
from reviewq.domain.workflow import Action, ItemStatus
from reviewq.extensions import db
from reviewq.models import AuditEvent, Decision, Item
from reviewq.services import (
    approvals,
    deliveries,
    export,
    oversight,
    policy,
    review,
    users,
)
from reviewq.services.review import QueueFilter, Verdict
from tests.support.audit import sealed_and_verified
from tests.support.clock import NOW
from tests.support.review import claim, decide, verdict


@pytest.fixture
def people(ctx, owner):
    made = {}
    for key, role, level in [
        ("ana", "reviewer", 1),
        ("ben", "reviewer", 3),
        ("cy", "reviewer", 3),
        ("sue", "supervisor", 1),
        ("max", "manager", 5),
        ("ada", "admin", 5),
    ]:
        made[key] = (
            users.create_user(
                db.session,
                Actor.system("test"),
                f"{key}@example.com",
                key,
                role,
                level,
                "long-enough-pw",
            )
        ).actor
    policy.set_rules(
        db.session,
        Actor.system("test"),
        [
            Rule(DEFAULT_TAG),
            Rule("legal", min_level=3, approvals=2, sla_minutes=60),
            Rule("refund", min_level=2, sla_minutes=120),
        ],
    )
    db.session.commit()
    return made


def approvers(item) -> set[int]:
    return approvals.approvers(db.session, item.id)


def test_review_next_takes_risk_then_due_time_then_age(people, submit) -> None:
    low_old = submit(at=NOW - timedelta(hours=3))
    refund = submit(["refund"], at=NOW - timedelta(minutes=5))
    refund_older = submit(["refund"], at=NOW - timedelta(minutes=50))
    legal = submit(["legal"])
    ben = people["ben"]
    order = []
    for _ in range(4):
        item = claim(ben)
        order.append(item.id)
        review.skip(db.session, ben, item, NOW)
        db.session.execute(sa.update(Item).where(Item.id == item.id).values(priority=9))
        db.session.commit()
    assert order == [legal.id, refund_older.id, refund.id, low_old.id]


def test_review_next_respects_authority_and_filters(people, submit) -> None:
    legal = submit(["legal"])
    assert claim(people["ana"]) is None  # level 1 cannot take a level-3 item
    assert claim(people["sue"]).id == legal.id  # supervisors cover every level
    assert claim(people["ben"], where=QueueFilter(priority=3)) is None


@pytest.mark.parametrize("who", ["max", "ada"])
def test_managers_and_admins_do_not_review(people, submit, who) -> None:
    submit()
    with pytest.raises(NotAllowed):
        review.claim_next(db.session, people[who], NOW)


def test_a_held_claim_comes_back_first(people, submit) -> None:
    submit(), submit()
    first = claim(people["ben"])
    assert claim(people["ben"], NOW + timedelta(minutes=5)).id == first.id


def test_expired_lease_returns_the_item_to_the_queue(people, submit) -> None:
    submit()
    held = claim(people["ben"])
    later = NOW + review.LEASE + timedelta(seconds=1)
    taken = claim(people["cy"], later)
    assert taken.id == held.id and taken.claimed_by_id == people["cy"].id
    events = db.session.scalars(sa.select(AuditEvent.action).order_by(AuditEvent.id)).all()
    assert "item.claim_expired" in events
    with pytest.raises(StaleClaim):
        review.decide(db.session, people["ben"], held, verdict(held, "approve"), later)


def test_review_next_returns_one_run_out_lease_and_the_sweep_the_rest(people, submit) -> None:
    # a claim stays quick however many claims were abandoned: the oldest lease goes back
    # with it, the sweep (every minute) returns the others
    submit(), submit(), submit()
    first = claim(people["ben"])
    claim(people["cy"], NOW + timedelta(minutes=1))
    later = NOW + review.LEASE + timedelta(minutes=2)
    assert claim(people["sue"], later).id == first.id
    waiting = db.session.scalars(sa.select(Item.status).order_by(Item.id)).all()
    assert waiting.count(ItemStatus.IN_REVIEW) == 2 and ItemStatus.QUEUED in waiting
    assert review.release_expired(db.session, later) == 1


def test_approve_records_timing_and_audit(people, submit) -> None:
    submit()
    item = claim(people["ben"])
    decision = decide(people["ben"], item, "approve", active_seconds=12.5)
    assert item.status is ItemStatus.APPROVED and item.final_content == item.content
    assert decision.opened_at == NOW and decision.decided_at == NOW + timedelta(seconds=30)
    assert decision.active_seconds == 12.5
    assert item.claimed_by_id is None and not item.edited
    assert (
        db.session.scalar(sa.select(AuditEvent).where(AuditEvent.action == "item.approve")).data[
            "to"
        ]
        == "approved"
    )
    assert sealed_and_verified().ok


def test_active_seconds_cannot_exceed_the_time_the_page_was_open(people, submit) -> None:
    submit()
    item = claim(people["ben"])
    assert decide(people["ben"], item, "approve", active_seconds=9999).active_seconds == 30
    submit()
    item = claim(people["ben"])
    assert decide(people["ben"], item, "approve", active_seconds=-4).active_seconds == 0


def test_edit_stores_before_and_after_and_approves(people, submit) -> None:
    submit()
    item = claim(people["ben"])
    original = item.content
    decision = decide(people["ben"], item, "edit", content="Dear customer, fixed text.")
    assert (decision.content_before, decision.content_after) == (
        original,
        "Dear customer, fixed text.",
    )
    assert item.status is ItemStatus.APPROVED and item.edited
    assert item.final_content == "Dear customer, fixed text." and item.content == original


def test_two_person_rule(people, submit) -> None:
    legal = submit(["legal"])
    ben, cy = people["ben"], people["cy"]
    assert claim(ben).id == legal.id
    decide(ben, legal, "approve")
    assert legal.status is ItemStatus.QUEUED and approvers(legal) == {ben.id}
    assert claim(ben, NOW + timedelta(minutes=1)) is None  # never offered to ben again
    assert claim(cy, NOW + timedelta(minutes=1)).id == legal.id
    decide(cy, legal, "approve", at=NOW + timedelta(minutes=2))
    assert legal.status is ItemStatus.APPROVED and approvers(legal) == {ben.id, cy.id}


def test_the_first_approver_can_never_give_the_second(people, submit) -> None:
    legal = submit(["legal"])
    ben = people["ben"]
    claim(ben)
    decide(ben, legal, "approve")
    # Even if the item were forced into ben's hands, the decision is refused.
    legal.status, legal.claimed_by_id = ItemStatus.IN_REVIEW, ben.id
    legal.claimed_at, legal.claim_expires_at = NOW, NOW + timedelta(hours=1)
    db.session.commit()
    with pytest.raises(TwoPersonRule):
        review.decide(db.session, ben, legal, verdict(legal, "approve"), NOW)


def test_an_edit_after_the_first_approval_voids_it(people, submit) -> None:
    legal = submit(["legal"])
    ben, cy = people["ben"], people["cy"]
    claim(ben)
    decide(ben, legal, "approve")
    claim(cy, NOW + timedelta(minutes=1))
    decide(cy, legal, "edit", content="Rewritten.", at=NOW + timedelta(minutes=2))
    # cy's edit is the only approval of the new text
    assert legal.status is ItemStatus.QUEUED and approvers(legal) == {cy.id}
    # ben's earlier approval no longer counts, so ben may now approve the edited text.
    assert claim(ben, NOW + timedelta(minutes=3)).id == legal.id
    decide(ben, legal, "approve", at=NOW + timedelta(minutes=4))
    assert legal.status is ItemStatus.APPROVED and legal.final_content == "Rewritten."


def test_reject_needs_a_category_and_a_reason(people, submit) -> None:
    submit()
    item = claim(people["ben"])
    with pytest.raises(ValidationFailed) as err:
        review.decide(db.session, people["ben"], item, verdict(item, "reject", reason=" "), NOW)
    assert {e["field"] for e in err.value.errors} == {"reason_code", "reason"}
    db.session.rollback()
    decide(people["ben"], item, "reject", reason_code="factual_error", reason="Wrong amount")
    assert item.status is ItemStatus.REJECTED
    assert item.outcome_reason == "factual_error: Wrong amount"


def test_escalate_needs_a_reason(people, submit) -> None:
    submit()
    item = claim(people["ben"])
    with pytest.raises(ValidationFailed):
        review.decide(db.session, people["ben"], item, verdict(item, "escalate"), NOW)
    db.session.rollback()
    decide(people["ben"], item, "escalate", reason="Legal threat in the thread")
    assert item.status is ItemStatus.ESCALATED and item.claimed_by_id is None


@pytest.mark.parametrize("action", ["reject", "escalate"])
def test_a_reason_with_nul_is_refused(people, submit, action: str) -> None:
    submit()
    item = claim(people["ben"])
    bad = verdict(item, action, reason_code="factual_error", reason="a\x00b")
    with pytest.raises(ValidationFailed, match="The reason must not contain NUL"):
        review.decide(db.session, people["ben"], item, bad, NOW)


@pytest.mark.parametrize(
    ("content", "message"),
    [("", "must not be empty"), ("a\x00b", "NUL"), (None, "must not be empty")],
)
def test_bad_edits_are_refused(people, submit, content, message) -> None:
    submit()
    item = claim(people["ben"])
    with pytest.raises(ValidationFailed, match=message):
        review.decide(db.session, people["ben"], item, verdict(item, "edit", content=content), NOW)


TEXT = "Dear customer,\n\nyour refund of $42.00 is on its way.\n"


@pytest.mark.parametrize(
    "resubmitted",
    [TEXT, TEXT.replace("\n", "\r\n"), TEXT.replace("\n", "\r")],
    ids=["same", "crlf", "cr"],
)
def test_an_unchanged_edit_is_an_approve(people, submit, resubmitted) -> None:
    submit(content=TEXT)
    item = claim(people["ben"])
    decision = decide(people["ben"], item, "edit", content=resubmitted)
    assert decision.action is Action.APPROVE and decision.edit_chars == 0
    assert (decision.content_before, decision.content_after) == (None, None)
    assert item.status is ItemStatus.APPROVED and not item.edited
    assert item.final_content == item.content == TEXT
    assert deliveries.payload(db.session, item, "approved", NOW)["data"]["edited"] is False
    events = db.session.scalars(sa.select(AuditEvent.action)).all()
    assert "item.approve" in events and "item.edit" not in events


def test_a_real_edit_stores_its_size_with_line_endings_normalised(people, submit) -> None:
    submit(content=TEXT)
    item = claim(people["ben"])
    edited = TEXT.replace("$42.00", "$24.00").replace("\n", "\r\n")
    decision = decide(people["ben"], item, "edit", content=edited)
    assert decision.action is Action.EDIT and decision.edit_chars == 2
    assert decision.content_after == item.final_content == TEXT.replace("$42.00", "$24.00")
    assert item.edited and item.content == TEXT
    assert deliveries.payload(db.session, item, "approved", NOW)["data"]["edited"] is True
    event = db.session.scalar(sa.select(AuditEvent).where(AuditEvent.action == "item.edit"))
    assert event.data["edit_chars"] == 2


def test_a_whitespace_only_edit_is_stored_with_size_0(people, submit) -> None:
    submit(content=TEXT)
    item = claim(people["ben"])
    decision = decide(
        people["ben"], item, "edit", content="Dear customer,\nyour refund of  $42.00 is on its way."
    )
    assert decision.action is Action.EDIT and decision.edit_chars == 0
    assert item.edited  # the text the source gets did change, if trivially


@pytest.mark.parametrize(
    ("action", "fields"),
    [
        ("approve", {}),
        ("reject", {"reason_code": "tone", "reason": "Too curt"}),
        ("escalate", {"reason": "Legal threat"}),
    ],
)
def test_decisions_without_an_edit_store_its_size_as_0_or_none(people, submit, action, fields):
    submit()
    item = claim(people["ben"])
    decision = decide(people["ben"], item, action, **fields)
    assert decision.edit_chars == (0 if action == "approve" else None)


def test_an_edit_back_to_the_ai_draft_leaves_the_item_unedited(people, submit) -> None:
    legal = submit(["legal"], content=TEXT)
    ben, cy = people["ben"], people["cy"]
    claim(ben)
    decide(ben, legal, "edit", content="Rewritten.")
    assert legal.edited and legal.status is ItemStatus.QUEUED
    claim(cy, NOW + timedelta(minutes=1))
    back = decide(
        cy, legal, "edit", content=TEXT.replace("\n", "\r\n"), at=NOW + timedelta(minutes=2)
    )
    assert back.action is Action.EDIT and back.edit_chars > 0  # a change from what cy saw
    assert not legal.edited and legal.final_content == TEXT


def test_the_decision_log_carries_the_edit_size(people, submit) -> None:
    decisions = [
        ("approve", {}),
        ("edit", {"content": TEXT.replace("$42.00", "$24.00")}),
        ("edit", {"content": TEXT.replace("\n", "\r\n")}),  # unchanged: an approval
        ("reject", {"reason_code": "tone", "reason": "Too curt"}),
    ]
    for n, (action, fields) in enumerate(decisions):
        submit(content=TEXT)
        at = NOW + timedelta(seconds=30 + n)  # the log is in decision order
        decide(people["ben"], claim(people["ben"]), action, at=at, **fields)
    lines = [oversight.log_line(r) for r in oversight.records(db.session, NOW)]
    assert [(line["action"], line["edited"], line["edit_chars"]) for line in lines] == [
        ("approve", False, 0),
        ("approve", True, 2),
        ("approve", False, 0),
        ("reject", False, None),
    ]
    read_back = [DecisionRecord.from_dict(json.loads(json.dumps(line))) for line in lines]
    assert [r.edit_chars for r in read_back] == [0, 2, 0, None]
    # `oversight export` streams the very same lines
    out = io.StringIO()
    assert export.write(db.session, NOW, out) == len(lines)
    assert [json.loads(text) for text in out.getvalue().splitlines()] == lines


def test_a_stale_version_changes_nothing(people, submit) -> None:
    submit()
    item = claim(people["ben"])
    stale = Verdict(action=Action.APPROVE, version=item.version - 1)
    with pytest.raises(StaleVersion):
        review.decide(db.session, people["ben"], item, stale, NOW)
    db.session.rollback()
    assert db.session.scalar(sa.select(sa.func.count(Decision.id))) == 0


def test_someone_elses_claim_cannot_be_decided_or_skipped(people, submit) -> None:
    submit()
    item = claim(people["ben"])
    for act in (
        lambda: review.decide(db.session, people["cy"], item, verdict(item, "approve"), NOW),
        lambda: review.skip(db.session, people["cy"], item, NOW),
        lambda: review.renew(db.session, people["cy"], item, NOW),
    ):
        with pytest.raises(StaleClaim):
            act()


def test_authority_is_checked_at_decision_time(people, submit) -> None:
    submit(["legal"])
    item = claim(people["ben"])
    db.session.execute(sa.update(Item).values(min_level=5))  # e.g. the policy changed
    db.session.commit()
    db.session.refresh(item)
    with pytest.raises(NotAllowed):
        review.decide(db.session, people["ben"], item, verdict(item, "approve"), NOW)


@pytest.mark.parametrize(
    "status",
    [
        ItemStatus.APPROVED,
        ItemStatus.REJECTED,
        ItemStatus.WITHDRAWN,
        ItemStatus.ESCALATED,
        ItemStatus.QUEUED,
    ],
)
@pytest.mark.parametrize("action", ["approve", "edit", "reject", "escalate"])
def test_no_decision_on_an_item_not_in_review(people, submit, status, action) -> None:
    item = submit()
    item.status = status
    item.claimed_by_id, item.claim_expires_at = people["ben"].id, NOW + timedelta(hours=1)
    db.session.commit()
    fields = {"content": "new", "reason": "r", "reason_code": "other"}
    with pytest.raises(StaleClaim):
        review.decide(db.session, people["ben"], item, verdict(item, action, **fields), NOW)


def test_skip_and_renew(people, submit) -> None:
    submit()
    item = claim(people["ben"])
    until = review.renew(db.session, people["ben"], item, NOW + timedelta(minutes=10))
    assert until == NOW + timedelta(minutes=10) + review.LEASE
    review.skip(db.session, people["ben"], item, NOW + timedelta(minutes=11))
    assert item.status is ItemStatus.QUEUED and item.claimed_by_id is None


def test_skipped_items_are_passed_over(people, submit) -> None:
    first, second = submit(), submit()
    item = claim(people["ben"])
    assert item.id == first.id
    review.skip(db.session, people["ben"], item, NOW)
    db.session.commit()
    again = claim(people["ben"], where=QueueFilter(skipped=frozenset({first.id})))
    assert again.id == second.id
