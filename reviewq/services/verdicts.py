"""Applying a decision to an item: shared by reviewers (claimed items) and supervisors
(escalations). The callers check who holds the item; this module applies the rules."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace
from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Session, joinedload

from ..domain import checklist as checklists
from ..domain import edits
from ..domain.authority import Actor
from ..domain.errors import TwoPersonRule, ValidationFailed
from ..domain.intake import MAX_CONTENT, text_problem
from ..domain.workflow import REJECT_REASONS, Action, ItemStatus, next_status
from ..models import Decision, Item
from . import approvals, audit, policy
from .approvals import APPROVING


@dataclass(frozen=True)
class Verdict:
    """What a person submits on an item."""

    action: Action  # APPROVE, EDIT, REJECT, ESCALATE or (supervisors) RETURN
    version: int
    content: str | None = None
    reason_code: str | None = None
    reason: str | None = None
    active_seconds: float | None = None
    ticks: checklists.Ticks = checklists.Ticks()  # the item's checklist, as the page reported


def settle(verdict: Verdict, shown: str) -> Verdict:
    """The verdict as it is recorded: an edit's text gets ``\\n`` line endings, and an edit
    that leaves the text shown unchanged (line endings aside) is an approval.

    Args:
        verdict: what the person submitted.
        shown: the text they were shown (the item's current content).

    Returns:
        The verdict to validate and apply.
    """
    if verdict.action is not Action.EDIT or verdict.content is None:
        return verdict
    text = edits.normalise(verdict.content)
    if not edits.is_change(shown, text):
        return replace(verdict, action=Action.APPROVE, content=None)
    return replace(verdict, content=text)


def validate(verdict: Verdict) -> list[dict[str, str]]:
    """Field problems of a (settled) verdict, empty when it is complete.

    Args:
        verdict: the verdict, after ``settle``.

    Returns:
        One ``{"field", "message"}`` per problem.
    """
    errors = []
    if verdict.action is Action.EDIT:
        text = verdict.content or ""
        if not text.strip():
            errors.append({"field": "content", "message": "The edited text must not be empty."})
        elif len(text) > MAX_CONTENT:
            errors.append({"field": "content", "message": f"At most {MAX_CONTENT} characters."})
        elif problem := text_problem(text):
            errors.append({"field": "content", "message": f"The edited text {problem}."})
    if verdict.action is Action.REJECT and verdict.reason_code not in REJECT_REASONS:
        errors.append({"field": "reason_code", "message": "Choose why the draft is rejected."})
    needs_reason = (Action.REJECT, Action.ESCALATE, Action.RETURN)
    if verdict.action in needs_reason and not (verdict.reason or "").strip():
        what = "return it" if verdict.action is Action.RETURN else str(verdict.action)
        errors.append({"field": "reason", "message": f"A reason is required to {what}."})
    elif verdict.reason and (problem := text_problem(verdict.reason)):
        errors.append({"field": "reason", "message": f"The reason {problem}."})
    return errors


def apply(
    session: Session,
    actor: Actor,
    item: Item,
    verdict: Verdict,
    now: datetime,
    opened: datetime,
) -> Decision:
    """Move the item by the verdict, store the decision and its audit event.

    Approve and edit count as approvals, whoever gives them (a supervisor resolving an
    escalation too): the item is approved once as many different people as it requires
    approved its current text, and goes back to the queue before that; nobody approves the
    same text twice; an edit replaces the text, so it stands alone as the approval of the new
    text (``approvals``). An edit that changes nothing is stored as an approval (``settle``);
    the decision stores its edit size (``edit_chars``: 0 for an approval, None for reject,
    escalate and return), and the item counts as edited while its text differs from the AI
    draft.

    Args:
        session: the caller's session.
        actor: who decides (the caller has checked they hold the item).
        item: the item.
        verdict: the action and its fields.
        now: when the decision is made.
        opened: when the person opened the item (claim time).

    Returns:
        The stored decision.

    On an item whose tags carry a checklist (``domain/checklist``), an approval needs every
    box ticked and, where required, the context opened; the ticks and their timing are
    stored with whatever decision is taken.

    Raises:
        TwoPersonRule: the actor already approved the item's current text.
        ValidationFailed: a required field is missing (reason, reason code, edited text), or
            a box of the checklist is not ticked on an approval.
    """
    approving = verdict.action in APPROVING
    standing = approvals.approvers(session, item.id)
    if approving and actor.id in standing:
        raise TwoPersonRule("you already approved this item; a different person must approve")
    before = item.current_content
    verdict = settle(verdict, before)
    errors = validate(verdict)
    checklist = policy.checklist_for(session, item)
    if approving and checklist.gated:
        errors += checklists.gate_problems(checklist, verdict.ticks)
    if errors:
        raise ValidationFailed(errors)

    previous = item.status
    edit_chars = 0 if verdict.action is Action.APPROVE else None
    if verdict.action is Action.EDIT:
        text = verdict.content or ""  # validated: never empty here
        edit_chars = edits.edit_size(before, text)
        item.final_content, item.edited = text, edits.is_change(item.content, text)
        standing = set()  # the new text has no approval but this edit's
    if approving:
        standing = standing | {actor.id}
    transition = verdict.action
    if approving and len(standing) < item.approvals_required:
        transition = Action.APPROVE_PARTIAL
    item.status = next_status(item.status, transition)
    reason = (verdict.reason or "").strip() or None
    if item.status is ItemStatus.APPROVED:
        item.final_content = item.current_content
    if verdict.action is Action.REJECT:
        item.outcome_reason = f"{verdict.reason_code}: {reason}"
    if verdict.action is Action.RETURN:
        item.guidance = reason
    if item.status in (ItemStatus.APPROVED, ItemStatus.REJECTED):
        item.decided_at = now
    item.claimed_by_id = item.claimed_at = item.claim_expires_at = None
    dwell = max(0.0, (now - opened).total_seconds())
    active = None
    if verdict.active_seconds is not None:
        active = min(max(0.0, verdict.active_seconds), dwell)
    decision = Decision(
        item_id=item.id,
        user_id=actor.id,
        action=verdict.action,
        item_version=verdict.version,
        content_before=before if verdict.action is Action.EDIT else None,
        content_after=verdict.content if verdict.action is Action.EDIT else None,
        edit_chars=edit_chars,
        reason_code=verdict.reason_code if verdict.action is Action.REJECT else None,
        reason=reason,
        opened_at=opened,
        decided_at=now,
        active_seconds=active,
        checklist=checklists.record(checklist, verdict.ticks),
    )
    session.add(decision)
    session.flush()  # the version check: a concurrent change raises StaleDataError here
    audit.record(
        session,
        actor.label,
        f"item.{verdict.action}",
        f"item:{item.id}",
        {
            "decision": decision.id,
            "from": previous,
            "to": item.status,
            "approvals": f"{len(standing)}/{item.approvals_required}",
            "reason_code": decision.reason_code,
            "edit_chars": edit_chars,
            **(
                {"checklist": checklists.export_fields(decision.checklist)}
                if decision.checklist
                else {}
            ),
        },
        at=now,
    )
    return decision


def history(session: Session, item_id: int) -> Sequence[Decision]:
    """The decisions taken on an item, oldest first, with who took them."""
    return session.scalars(
        sa.select(Decision)
        .options(joinedload(Decision.user))
        .where(Decision.item_id == item_id)
        .order_by(Decision.decided_at)
    ).all()
