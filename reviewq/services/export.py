"""The live decisions as a decision log (DESIGN section 6), streamed: plain rows, fetched in
chunks from a server-side cursor and written as they come, so a million decisions take the
memory of one chunk, not of a million ORM objects.

Each line is exactly what ``json`` writes for ``oversight.log_line`` of the decision's
``DecisionRecord`` (``oversight.records``), but built as text: the values that repeat
(reviewers, sources, tag sets) are encoded once, the word count is the one stored at intake
(the content is not read unless the decision kept the text it replaced), and a row the log
format would change or refuse (a clock that ran backwards, active time beyond the dwell, an
out-of-range count) takes the general path through ``DecisionRecord``.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Iterator
from datetime import datetime
from json.encoder import encode_basestring  # what json.dumps(..., ensure_ascii=False) uses
from math import isfinite
from typing import Any, TextIO

import sqlalchemy as sa
from sqlalchemy.orm import Session

from ..domain.oversight import DecisionRecord, RecordError
from ..domain.oversight.records import MAX_COUNT
from ..models import Canary, Decision, Item, QaReview, Source, User
from .oversight import ACTIONS, log_line

log = logging.getLogger(__name__)
CHUNK = 2000  # rows a fetch brings from the server cursor, and lines a write carries
_dumps = json.JSONEncoder(ensure_ascii=False).encode
_BOOL = {True: "true", False: "false", None: "null"}


def _rows(session: Session, since: datetime) -> sa.Result[Any]:
    """The decisions since ``since`` in decision order, with what a log line needs."""
    unedited = sa.func.coalesce(Decision.content_before, "") == ""
    # Core, not the ORM's result: plain rows, without its per-row bookkeeping
    return session.connection().execute(
        sa.select(
            Decision.id,
            sa.type_coerce(Decision.action, sa.String).label("action"),
            Decision.content_before,
            Decision.opened_at,
            Decision.decided_at,
            Decision.active_seconds,
            Decision.reason,
            Decision.edit_chars,
            Item.id.label("item_id"),
            # the words of the text decided on: the draft's, counted at intake, unless the
            # decision kept the text it replaced (the draft's content is never changed)
            sa.case((unedited, Item.words), else_=None).label("words"),
            sa.cast(Item.risk_tags, sa.Text).label("risk_tags"),
            Item.canary_id,
            Source.slug,
            User.email,
            Canary.expected,
            QaReview.agrees,
        )
        .join(Item, Item.id == Decision.item_id)
        .join(Source, Source.id == Item.source_id)
        .join(User, User.id == Decision.user_id)
        .outerjoin(Canary, Canary.id == Item.canary_id)
        .outerjoin(QaReview, sa.and_(QaReview.item_id == Item.id, QaReview.done_at.is_not(None)))
        .where(Decision.decided_at >= since, Decision.action.in_(list(ACTIONS)))
        .order_by(Decision.decided_at)
        .execution_options(stream_results=True, yield_per=CHUNK)
    )


def _record(row: Any, words: int, tags: tuple[str, ...]) -> DecisionRecord:
    """The general path: the record the log format builds (raises ``RecordError``)."""
    action = ACTIONS[row.action]
    return DecisionRecord(
        reviewer=row.email,
        item=str(row.item_id),
        source=row.slug,
        risk_tags=tags,
        words=words,
        action=action,
        edited=row.action == "edit",
        opened_at=row.opened_at,
        decided_at=row.decided_at,
        active_seconds=row.active_seconds,
        canary=row.canary_id is not None,
        canary_expected=row.expected,
        qa_agreed=row.agrees if action == "approve" else None,
        reason=row.reason,
        id=str(row.id),
        link=f"/items/{row.item_id}",
        edit_chars=row.edit_chars,
    )


def lines(session: Session, since: datetime) -> Iterator[str]:
    """Every reviewer decision since ``since`` as a decision-log line (with its newline), in
    the order they were decided: the same text as ``json`` writes for ``oversight.log_line``
    of ``oversight.records``.

    A row the log format refuses (e.g. a clock that ran backwards) is logged and left out.
    """
    strings: dict[str, str] = {}  # reviewers and sources, encoded once
    tag_sets: dict[str, tuple[tuple[str, ...], str]] = {}  # stored text -> (tags, encoded)
    for row in _rows(session, since):
        words = row.words
        if words is None:
            words = len(row.content_before.split())
        tags, tags_text = tag_sets.get(row.risk_tags) or tag_sets.setdefault(
            row.risk_tags, _tags(row.risk_tags)
        )
        opened, decided, active = row.opened_at, row.decided_at, row.active_seconds
        dwell = decided.timestamp() - opened.timestamp()
        edit_chars, expected, email = row.edit_chars, row.expected, row.email
        if (
            dwell < 0
            or (active is not None and not 0 <= active <= dwell)
            or not email
            or not 0 <= words <= MAX_COUNT
            or (edit_chars is not None and not 0 <= edit_chars <= MAX_COUNT)
            or expected not in (None, "reject", "escalate")
        ):
            try:
                record = _record(row, words, tags)
            except RecordError as exc:
                log.warning("decision %s left out of the export: %s", row.id, exc)
                continue
            yield _dumps(log_line(record)) + "\n"
            continue
        action = ACTIONS[row.action]
        reviewer = strings.get(email) or strings.setdefault(email, encode_basestring(email))
        slug = row.slug
        source = strings.get(slug) or strings.setdefault(slug, encode_basestring(slug))
        item = row.item_id
        reason = row.reason
        yield (
            f'{{"reviewer": {reviewer}, "item": "{item}", "source": {source}, '
            f'"risk_tags": {tags_text}, "words": {words}, "action": "{action}", '
            f'"edited": {_BOOL[row.action == "edit"]}, '
            f'"edit_chars": {"null" if edit_chars is None else edit_chars}, '
            f'"opened_at": "{opened.isoformat()}", "decided_at": "{decided.isoformat()}", '
            f'"active_seconds": {_number(active)}, '
            f'"canary": {_BOOL[row.canary_id is not None]}, '
            f'"canary_expected": {"null" if expected is None else _dumps(expected)}, '
            f'"qa_agreed": {_BOOL[row.agrees] if action == "approve" else "null"}, '
            f'"reason": {"null" if reason is None else encode_basestring(reason)}, '
            f'"id": "{row.id}", "link": "/items/{item}"}}\n'
        )


def _tags(stored: str) -> tuple[tuple[str, ...], str]:
    """A stored tag list as the record keeps it and as the log line writes it."""
    tags = tuple(json.loads(stored))
    return tags, _dumps(list(tags))


def _number(value: float | None) -> str:
    """A number as ``json`` writes it (``float.__repr__``; NaN and infinities its way)."""
    if value is None:
        return "null"
    return repr(value) if isfinite(value) else _dumps(value)


def write(session: Session, since: datetime, out: TextIO) -> int:
    """Write the decision log since ``since`` to ``out``, a line per decision, in writes of
    ``CHUNK`` lines.

    Returns:
        How many decisions were written.
    """
    count = 0
    batch: list[str] = []
    for line in lines(session, since):
        batch.append(line)
        if len(batch) == CHUNK:
            out.write("".join(batch))
            count += CHUNK
            batch.clear()
    out.write("".join(batch))
    return count + len(batch)
