"""Friction scaled to risk: the checklist a reviewer ticks before approving a risky draft.

A policy rule may carry a checklist (short statements the reviewer must tick) and may require
that the context panel was opened first. An item's checklist is the union of its applied
rules' statements, without repeats, in policy order (rules by tag, the default rule last;
statements as each rule lists them). The ticks and their timing are kept with the decision
(``record``), sent in the receipt, and exported in the decision log (``export_fields``).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

MAX_STATEMENTS = 8  # per rule, and per item (the union)
MAX_STATEMENT = 200  # characters
MAX_MS = 86_400_000  # a tick time beyond a day is nobody's reading
RUSHED_MS = 1000  # every box ticked within this many ms of opening: evidence, never a flag


@dataclass(frozen=True)
class Checklist:
    """What an item asks before Approve: the statements, whether the context must have been
    opened, and the tags that ask it (to name the risk)."""

    statements: tuple[str, ...] = ()
    context_required: bool = False
    tags: tuple[str, ...] = ()

    @property
    def gated(self) -> bool:
        """Whether Approve is gated at all (otherwise the fast path stays one key)."""
        return bool(self.statements) or self.context_required

    @property
    def risk(self) -> str:
        """The risk in words, for the confirmation: "refund" or "legal, medical"."""
        return ", ".join(self.tags)


@dataclass(frozen=True)
class Ticks:
    """What the page reported: the boxes ticked (by index) with the ms since the item was
    opened at which each was ticked (None when the browser did not say), and when the
    context panel was first in view (None: never)."""

    ticked: frozenset[int] = frozenset()
    ticked_ms: Mapping[int, int] = field(default_factory=dict)  # box -> ms
    context_opened_ms: int | None = None


def statement_problems(statements: Sequence[object]) -> list[str]:
    """What is wrong with a rule's checklist, empty when it is valid.

    Args:
        statements: the statements as given (a CLI option, a policy file).

    Returns:
        One message per problem.
    """
    problems = []
    if len(statements) > MAX_STATEMENTS:
        problems.append(f"a checklist has at most {MAX_STATEMENTS} statements")
    for number, statement in enumerate(statements, start=1):
        if not isinstance(statement, str) or not statement.strip():
            problems.append(f"checklist statement {number} must be non-empty text")
        elif len(statement) > MAX_STATEMENT:
            problems.append(
                f"checklist statement {number} is longer than {MAX_STATEMENT} characters"
            )
        elif statement != statement.strip() or any(ch < " " for ch in statement):
            problems.append(
                f"checklist statement {number} must be one line without surrounding spaces"
            )
    texts = [s for s in statements if isinstance(s, str)]
    if len(set(texts)) != len(texts):
        problems.append("checklist statements must differ from each other")
    return problems


def combine(rules: Iterable[tuple[str, Sequence[str], bool]]) -> Checklist:
    """An item's checklist from its applied rules.

    Args:
        rules: ``(tag, statements, context_required)`` of each rule that applied, in policy
            order.

    Returns:
        The union of the statements without repeats (at most ``MAX_STATEMENTS``), whether
        any rule requires the context, and the tags that ask anything.
    """
    statements: list[str] = []
    tags: list[str] = []
    context = False
    for tag, listed, needs_context in rules:
        if listed or needs_context:
            tags.append("default rule" if tag == "*" else tag)
        context = context or needs_context
        statements.extend(s for s in listed if s not in statements)
    return Checklist(tuple(statements[:MAX_STATEMENTS]), context, tuple(tags))


def parse_times(text: str) -> dict[int, int]:
    """The tick times the page sent: ``box:ms`` pairs, comma-separated ("0:412,2:901").

    Raises:
        ValueError: the text is not that shape (the message says what is wrong).
    """
    times: dict[int, int] = {}
    for part in filter(None, (p.strip() for p in text.split(","))):
        box, _, ms = part.partition(":")
        if not (box.isascii() and box.isdigit() and ms.isascii() and ms.isdigit()):
            raise ValueError("tick times must be box:milliseconds pairs")
        if int(box) >= MAX_STATEMENTS or int(ms) > MAX_MS:
            raise ValueError("a tick time names no box or is beyond a day")
        times[int(box)] = int(ms)
    return times


def gate_problems(checklist: Checklist, ticks: Ticks) -> list[dict[str, str]]:
    """Why an approval may not go through yet, empty when every box is ticked and the
    context was opened where required.

    Returns:
        One ``{"field", "message"}`` per problem (fields of the decision form).
    """
    errors = []
    missing = [i for i in range(len(checklist.statements)) if i not in ticks.ticked]
    if missing:
        total = len(checklist.statements)
        errors.append(
            {
                "field": "checks",
                "message": f"Tick every statement before approving a {checklist.risk} draft "
                f"({total - len(missing)} of {total} ticked).",
            }
        )
    if checklist.context_required and ticks.context_opened_ms is None:
        errors.append(
            {
                "field": "checks",
                "message": f"Open the context before approving a {checklist.risk} draft.",
            }
        )
    return errors


def record(checklist: Checklist, ticks: Ticks) -> dict[str, Any] | None:
    """The checklist as stored with a decision (None when the item has none): each statement
    with whether and when it was ticked, and when the context was opened."""
    if not checklist.gated:
        return None
    times = ticks.ticked_ms
    return {
        "items": [
            {
                "statement": statement,
                "ticked": index in ticks.ticked,
                "ticked_ms": times.get(index) if index in ticks.ticked else None,
            }
            for index, statement in enumerate(checklist.statements)
        ],
        "context_required": checklist.context_required,
        "context_opened_ms": ticks.context_opened_ms,
    }


def export_fields(stored: dict[str, Any]) -> dict[str, Any]:
    """A stored checklist as the decision log's optional ``checklist`` field: numbers only
    (the statements are the policy's, not the reviewer's)."""
    items = stored["items"]
    return {
        "boxes": len(items),
        "ticked": sum(1 for i in items if i["ticked"]),
        "ticked_ms": [i["ticked_ms"] for i in items],
        "context_required": stored["context_required"],
        "context_opened_ms": stored["context_opened_ms"],
    }


def rushed(fields: dict[str, Any], within_ms: int = RUSHED_MS) -> bool:
    """Whether every box was ticked within ``within_ms`` of opening the item (a decision-log
    ``checklist`` field): nobody reads a risky draft that fast, yet it is evidence to show
    beside a reviewer's results, never a flag by itself."""
    times = fields["ticked_ms"]
    return (
        fields["boxes"] > 0
        and fields["ticked"] == fields["boxes"]
        and all(t is not None and t <= within_ms for t in times)
    )


def log_field_problem(value: Any) -> str | None:
    """What is wrong with a decision log's ``checklist`` field, or None when it is usable."""
    if type(value) is not dict:
        return "expected an object or null"
    boxes, ticked, times = value.get("boxes"), value.get("ticked"), value.get("ticked_ms")
    if type(boxes) is not int or not 0 <= boxes <= 1000:
        return "boxes: expected an integer 0 to 1000"
    if type(ticked) is not int or not 0 <= ticked <= boxes:
        return "ticked: expected an integer 0 to boxes"
    if type(times) is not list or len(times) != boxes:
        return "ticked_ms: expected a list with one entry per box"
    if any(t is not None and (type(t) is not int or not 0 <= t <= MAX_MS) for t in times):
        return "ticked_ms: expected whole milliseconds or null"
    return None
