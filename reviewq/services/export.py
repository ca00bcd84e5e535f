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

from ..domain.checklist import export_fields
from ..domain.oversight import DecisionRecord, RecordError
from ..domain.oversight.records import MAX_COUNT
from ..models import Canary, Decision, Item, QaReview, Source, User
from .oversight import ACTIONS, log_line

log = logging.getLogger(__name__)
CHUNK = 2000  # rows a fetch brings from the server cursor, and lines a write carries
_dumps = json.JSONEncoder(ensure_ascii=False).encode
_BOOL = {True: "true", False: "false", None: "null"}


def _rows(session: Session, since: datetime, only: int | None = None) -> sa.Result[Any]:
    """The decisions since ``since`` (or decision ``only``) in decision order, with what a
    log line needs."""
    where = [
        Decision.decided_at >= since,
        Decision.action.in_(list(ACTIONS)),
        Decision.undone_at.is_(None),  # taken back within the undo window: not a decision
    ]
    if only is not None:
        where.append(Decision.id == only)
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
            Decision.checklist,
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
        .where(*where)
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
        checklist=export_fields(row.checklist) if row.checklist else None,
    )


def lines(session: Session, since: datetime) -> Iterator[str]:
    """Every reviewer decision since ``since`` as a decision-log line (with its newline), in
    the order they were decided: the same text as ``json`` writes for ``oversight.log_line``
    of ``oversight.records``.

    A row the log format refuses (e.g. a clock that ran backwards) is logged and left out.
    """
    cache = _Cache()
    if session.get_bind().dialect.name == "postgresql":
        yield from _postgresql_lines(session, since, cache)
        return
    for row in _rows(session, since):
        line = _line(row, cache)
        if line is not None:
            yield line


class _Cache:
    """The values that repeat from line to line, encoded once."""

    def __init__(self) -> None:
        self.strings: dict[str, str] = {}  # reviewers and sources
        self.tag_sets: dict[str, tuple[tuple[str, ...], str]] = {}  # stored -> tags, encoded

    def string(self, value: str) -> str:
        return self.strings.get(value) or self.strings.setdefault(value, encode_basestring(value))

    def tags(self, stored: str) -> tuple[tuple[str, ...], str]:
        return self.tag_sets.get(stored) or self.tag_sets.setdefault(stored, _tags(stored))


def _line(row: Any, cache: _Cache) -> str | None:
    """One row of ``_rows`` as its log line; None when the log format refuses it."""
    words = row.words
    if words is None:
        words = len(row.content_before.split())
    tags, tags_text = cache.tags(row.risk_tags)
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
            return None
        return _dumps(log_line(record)) + "\n"
    action = ACTIONS[row.action]
    item = row.item_id
    reason = row.reason
    return (
        f'{{"reviewer": {cache.string(email)}, "item": "{item}", '
        f'"source": {cache.string(row.slug)}, '
        f'"risk_tags": {tags_text}, "words": {words}, "action": "{action}", '
        f'"edited": {_BOOL[row.action == "edit"]}, '
        f'"edit_chars": {"null" if edit_chars is None else edit_chars}, '
        f'"opened_at": "{opened.isoformat()}", "decided_at": "{decided.isoformat()}", '
        f'"active_seconds": {_number(active)}, '
        f'"canary": {_BOOL[row.canary_id is not None]}, '
        f'"canary_expected": {"null" if expected is None else _dumps(expected)}, '
        f'"qa_agreed": {_BOOL[row.agrees] if action == "approve" else "null"}, '
        f'"reason": {"null" if reason is None else encode_basestring(reason)}, '
        f'"id": "{row.id}", "link": "/items/{item}"{_checklist(row.checklist)}}}\n'
    )


def _checklist(stored: dict[str, Any] | None) -> str:
    """The optional ``checklist`` field as the log line ends with it ("" when none)."""
    return "" if not stored else f', "checklist": {_dumps(export_fields(stored))}'


def _postgresql_lines(session: Session, since: datetime, cache: _Cache) -> Iterator[str]:
    """On PostgreSQL the server writes most of each line (``_PG_LINES``); Python adds the
    tag list and the word count, and a row the SQL does not vouch for (its head is NULL:
    clamped or refused by the log format, a number json would write otherwise) is read
    again and takes the general path."""
    # the shortest text that reads back as the same float, as Python's repr writes it
    session.execute(sa.text("SET LOCAL extra_float_digits = 1"))
    rows = (
        session.connection()
        .execution_options(stream_results=True, yield_per=CHUNK)
        .execute(sa.text(_PG_LINES), {"since": since})
    )
    for decision_id, head, stored_tags, words, content_before, tail in rows:
        if head is None:
            row = _rows(session, since, decision_id).first()  # first() closes it
            line = None if row is None else _line(row, cache)
            if line is not None:
                yield line
            continue
        if words is None:
            words = len(content_before.split())
            if words > MAX_COUNT:  # pragma: no cover - a billion words
                continue
        yield f'{head}{cache.tags(stored_tags)[1]}, "words": {words}{tail}\n'


def _iso(column: str) -> str:
    """SQL: a timestamp as Python's ``datetime.isoformat`` writes it in UTC."""
    utc = f"({column} AT TIME ZONE 'UTC')"
    return (
        f"""to_char({utc}, 'YYYY-MM-DD"T"HH24:MI:SS') || CASE WHEN """
        f"extract(microseconds FROM {column})::bigint % 1000000 <> 0 THEN "
        f"to_char({utc}, '.US') ELSE '' END || '+00:00'"
    )


# What the line is when the log format takes the row as it is, or only clamps the active time
# to the dwell: times in order, counts in range, a reviewer, an expected outcome it knows, an
# active time Python writes without an exponent. The dwell is the general path's float
# arithmetic (each time's epoch seconds rounded to a float, then subtracted), so the clamp
# and its value are the same.
_PG_FAST = """
    u.email <> '' AND d.decided_at >= d.opened_at
    -- NaN sorts above every number in PostgreSQL: the clamp below would hide it
    AND (d.active_seconds IS NULL OR d.active_seconds <> 'NaN')
    AND (x.active IS NULL OR (x.active <> 'NaN' AND x.active >= 0
        AND (x.active = 0 OR x.active BETWEEN 0.0001 AND 1e15)))
    AND (d.edit_chars IS NULL OR d.edit_chars BETWEEN 0 AND 1000000000)
    AND (c.expected IS NULL OR c.expected IN ('reject', 'escalate'))
    AND i.words BETWEEN 0 AND 1000000000"""
# The optional checklist field (``_checklist``), as json writes it: numbers only.
_PG_CHECKLIST = """CASE WHEN d.checklist IS NULL THEN '' ELSE
    ', "checklist": {"boxes": ' || json_array_length(d.checklist -> 'items')
    || ', "ticked": ' || (SELECT count(*) FROM json_array_elements(d.checklist -> 'items') b
        WHERE (b ->> 'ticked')::boolean)
    || ', "ticked_ms": [' || coalesce((SELECT string_agg(coalesce(b ->> 'ticked_ms', 'null'),
        ', ' ORDER BY n) FROM json_array_elements(d.checklist -> 'items') WITH ORDINALITY
        AS t(b, n)), '')
    || '], "context_required": ' || (d.checklist ->> 'context_required')
    || ', "context_opened_ms": ' || coalesce(d.checklist ->> 'context_opened_ms', 'null')
    || '}' END"""
_PG_LINES = f"""
SELECT d.id,
    CASE WHEN {_PG_FAST} THEN
        '{{"reviewer": ' || to_json(u.email)::text || ', "item": "' || i.id
        || '", "source": ' || to_json(s.slug)::text || ', "risk_tags": '
    END,
    CAST(i.risk_tags AS TEXT),
    CASE WHEN coalesce(d.content_before, '') = '' THEN i.words END,
    CASE WHEN coalesce(d.content_before, '') <> '' THEN d.content_before END,
    ', "action": "' || CASE d.action WHEN 'edit' THEN 'approve' ELSE d.action END
    || '", "edited": ' || (d.action = 'edit')::text
    || ', "edit_chars": ' || coalesce(d.edit_chars::text, 'null')
    || ', "opened_at": "' || {_iso("d.opened_at")}
    || '", "decided_at": "' || {_iso("d.decided_at")}
    || '", "active_seconds": ' || CASE WHEN x.active IS NULL THEN 'null'
        WHEN strpos(x.active::text, '.') = 0 THEN x.active::text || '.0'
        ELSE x.active::text END
    || ', "canary": ' || (i.canary_id IS NOT NULL)::text
    || ', "canary_expected": ' || coalesce(to_json(c.expected)::text, 'null')
    || ', "qa_agreed": ' || CASE WHEN d.action IN ('approve', 'edit')
        THEN coalesce(q.agrees::text, 'null') ELSE 'null' END
    || ', "reason": ' || coalesce(to_json(d.reason)::text, 'null')
    || ', "id": "' || d.id || '", "link": "/items/' || i.id || '"' || {_PG_CHECKLIST} || '}}'
FROM decisions d JOIN items i ON i.id = d.item_id JOIN sources s ON s.id = i.source_id
JOIN users u ON u.id = d.user_id LEFT JOIN canaries c ON c.id = i.canary_id
LEFT JOIN qa_reviews q ON q.item_id = i.id AND q.done_at IS NOT NULL
CROSS JOIN LATERAL (SELECT CASE WHEN d.active_seconds > w.dwell THEN w.dwell
    ELSE d.active_seconds END AS active
    FROM (SELECT extract(epoch FROM d.decided_at)::float8
                 - extract(epoch FROM d.opened_at)::float8 AS dwell) w) x
WHERE d.decided_at >= :since AND d.action IN ('approve', 'edit', 'reject', 'escalate')
  AND d.undone_at IS NULL
ORDER BY d.decided_at"""


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
