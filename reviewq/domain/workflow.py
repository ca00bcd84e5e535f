"""The item lifecycle: every legal move in one table (DESIGN section 3)."""

from __future__ import annotations

from enum import StrEnum

from .errors import IllegalTransition


class ItemStatus(StrEnum):
    """Where an item is in review; the values are what the database stores."""

    QUEUED = "queued"
    IN_REVIEW = "in_review"
    ESCALATED = "escalated"
    APPROVED = "approved"
    REJECTED = "rejected"
    WITHDRAWN = "withdrawn"


class Action(StrEnum):
    """Everything that can happen to an item."""

    CLAIM = "claim"
    RELEASE = "release"
    EXPIRE_CLAIM = "expire_claim"
    APPROVE_PARTIAL = "approve_partial"  # first of two approvals: back to the queue
    APPROVE = "approve"
    EDIT = "edit"  # approve with edits
    REJECT = "reject"
    ESCALATE = "escalate"
    RETURN = "return"  # supervisor sends an escalation back with guidance
    BREACH_SLA = "breach_sla"
    WITHDRAW = "withdraw"
    UNDO = "undo"  # the decider takes a decision back within its undo window


S, A = ItemStatus, Action

TRANSITIONS: dict[tuple[ItemStatus, Action], ItemStatus] = {
    (S.QUEUED, A.CLAIM): S.IN_REVIEW,
    (S.QUEUED, A.BREACH_SLA): S.ESCALATED,
    (S.QUEUED, A.WITHDRAW): S.WITHDRAWN,
    (S.IN_REVIEW, A.RELEASE): S.QUEUED,
    (S.IN_REVIEW, A.EXPIRE_CLAIM): S.QUEUED,
    (S.IN_REVIEW, A.APPROVE_PARTIAL): S.QUEUED,
    (S.IN_REVIEW, A.APPROVE): S.APPROVED,
    (S.IN_REVIEW, A.EDIT): S.APPROVED,
    (S.IN_REVIEW, A.REJECT): S.REJECTED,
    (S.IN_REVIEW, A.ESCALATE): S.ESCALATED,
    (S.IN_REVIEW, A.BREACH_SLA): S.ESCALATED,
    (S.IN_REVIEW, A.WITHDRAW): S.WITHDRAWN,
    (S.ESCALATED, A.APPROVE_PARTIAL): S.QUEUED,
    (S.ESCALATED, A.APPROVE): S.APPROVED,
    (S.ESCALATED, A.EDIT): S.APPROVED,
    (S.ESCALATED, A.REJECT): S.REJECTED,
    (S.ESCALATED, A.RETURN): S.QUEUED,
    (S.ESCALATED, A.WITHDRAW): S.WITHDRAWN,
    # Within the undo window (services/undo.py checks it) a reviewer's decision is taken
    # back: the item is theirs to review again. Nothing went out before the window closed.
    (S.QUEUED, A.UNDO): S.IN_REVIEW,
    (S.APPROVED, A.UNDO): S.IN_REVIEW,
    (S.REJECTED, A.UNDO): S.IN_REVIEW,
    (S.ESCALATED, A.UNDO): S.IN_REVIEW,
}

# Final once the undo window closed (approved and rejected may be undone until then).
FINAL_STATUSES = frozenset({S.APPROVED, S.REJECTED, S.WITHDRAWN})


def next_status(status: ItemStatus, action: Action) -> ItemStatus:
    """Return the status an item moves to when ``action`` happens in ``status``.

    Args:
        status: the item's current status.
        action: what is being done to it.

    Returns:
        The new status.

    Raises:
        IllegalTransition: the move is not in the table.
    """
    try:
        return TRANSITIONS[(ItemStatus(status), Action(action))]
    except KeyError:
        raise IllegalTransition(str(status), str(action)) from None


# Why a draft was rejected; the code is stored, the label is shown.
REJECT_REASONS = {
    "factual_error": "Factual error or wrong figure",
    "policy_violation": "Breaks policy or promises what policy does not allow",
    "personal_data": "Exposes personal data",
    "unsafe_advice": "Unsafe or overconfident advice (medical, legal, financial)",
    "tone": "Tone or wording not fit to send",
    "off_topic": "Does not answer the request",
    "other": "Other (explain in the reason)",
}
