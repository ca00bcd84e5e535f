"""The live decisions as a decision log (DESIGN section 6), streamed: on PostgreSQL the
server writes the lines and ``COPY`` streams them; elsewhere plain rows are fetched in chunks
from a server-side cursor. Either way the lines are written as they come, so a million
decisions take the memory of one chunk, not of a million ORM objects.

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
from datetime import UTC, datetime, timedelta
from json.encoder import encode_basestring  # what json.dumps(..., ensure_ascii=False) uses
from math import isfinite
from types import SimpleNamespace
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
    where = [Decision.decided_at >= since, Decision.action.in_(list(ACTIONS))]
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
    )


def lines(session: Session, since: datetime) -> Iterator[str]:
    """Every reviewer decision since ``since`` as a decision-log line (with its newline), in
    the order they were decided: the same text as ``json`` writes for ``oversight.log_line``
    of ``oversight.records``.

    A row the log format refuses (e.g. a clock that ran backwards) is logged and left out.
    """
    cache = _Cache()
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
        f'"id": "{row.id}", "link": "/items/{item}"}}\n'
    )


def _copy_postgresql(session: Session, since: datetime, out: TextIO) -> int:
    """On PostgreSQL the server writes each line (``_PG_LINES``) and streams them with
    ``COPY``: Python only passes the blocks on. A row the SQL does not vouch for (clamped or
    refused by the log format, a number json would write otherwise, a tag list it would
    write otherwise) comes as a JSON array of its values instead and takes the general path.

    COPY's CSV format with control characters as delimiter and quote writes each line as
    it is: JSON escapes every control character, so no line holds either, nor a newline.

    Returns:
        How many lines were written.
    """
    connection = session.connection()
    # the shortest text that reads back as the same float, as Python's repr writes it
    connection.exec_driver_sql("SET LOCAL extra_float_digits = 1")
    raw = connection.connection.driver_connection
    assert raw is not None  # a live connection: this transaction's
    cache, count, blocks = _Cache(), 0, []
    with raw.cursor() as cursor, cursor.copy(_PG_COPY, {"since": since}) as copy:
        for block in copy:  # a line each
            blocks.append(block)
            if len(blocks) == CHUNK:
                count += _write_blocks(blocks, out, cache)
                blocks.clear()
    return count + _write_blocks(blocks, out, cache)


def _write_blocks(blocks: list[Any], out: TextIO, cache: _Cache) -> int:
    text = b"".join(blocks).decode()
    if not text.startswith("[") and "\n[" not in text:  # no line for the general path
        out.write(text)
        return text.count("\n")
    written = []
    for line in text.split("\n")[:-1]:  # not splitlines(): U+2028 and the like stay in a line
        if line.startswith("["):
            general = _line(_stored(json.loads(line)), cache)
            if general is not None:
                written.append(general)
        else:
            written.append(line + "\n")
    out.write("".join(written))
    return len(written)


_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
_STORED = [  # the columns of ``_rows``, in the order ``_PG_LINES`` sends them
    "id",
    "action",
    "content_before",
    "opened_at",
    "decided_at",
    "active_seconds",
    "reason",
    "edit_chars",
    "item_id",
    "words",
    "risk_tags",
    "canary_id",
    "slug",
    "email",
    "expected",
    "agrees",
]


def _stored(values: list[Any]) -> SimpleNamespace:
    """A row of ``_rows`` from the values ``_PG_LINES`` sends for the general path: times
    in microseconds since the epoch, the active time as PostgreSQL writes the float."""
    row = SimpleNamespace(**dict(zip(_STORED, values, strict=True)))
    row.opened_at = _EPOCH + timedelta(microseconds=row.opened_at)
    row.decided_at = _EPOCH + timedelta(microseconds=row.decided_at)
    if row.active_seconds is not None:
        row.active_seconds = float(row.active_seconds)
    return row


def _iso(column: str) -> str:
    """SQL: a timestamp as Python's ``datetime.isoformat`` writes it in UTC."""
    utc = f"({column} AT TIME ZONE 'UTC')"
    return (
        f"""to_char({utc}, 'YYYY-MM-DD"T"HH24:MI:SS') || CASE WHEN """
        f"mod(extract(microseconds FROM {column})::bigint, 1000000) <> 0 THEN "
        f"to_char({utc}, '.US') ELSE '' END || '+00:00'"
    )


# What the line is when the log format takes the row as it is, or only clamps the active time
# to the dwell: times in order, counts in range, a reviewer, an expected outcome it knows, an
# active time Python writes without an exponent, a tag list stored as json writes it (plain
# strings, no escapes, its separators: as the app stores them). The dwell is the general
# path's float arithmetic (each time's epoch seconds rounded to a float, then subtracted),
# so the clamp and its value are the same.
_PG_FAST = r"""
    u.email <> '' AND d.decided_at >= d.opened_at
    AND (x.active IS NULL OR (x.active <> 'NaN' AND x.active >= 0
        AND (x.active = 0 OR x.active BETWEEN 0.0001 AND 1e15)))
    AND (d.edit_chars IS NULL OR d.edit_chars BETWEEN 0 AND 1000000000)
    AND (c.expected IS NULL OR c.expected IN ('reject', 'escalate'))
    AND n.words BETWEEN 0 AND 1000000000
    AND CAST(i.risk_tags AS TEXT) ~ '^\[("[^"\\]*"(, "[^"\\]*")*)?\]$'"""
# What Python's str.split() splits on (str.isspace), for the words of a replaced text.
_SPACE = r"\t\n\v\f\r\x1c-\x1f \u0085\u00a0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000"
_PG_LINES = f"""
SELECT CASE WHEN {_PG_FAST} THEN
    '{{"reviewer": ' || to_json(u.email)::text || ', "item": "' || i.id
    || '", "source": ' || to_json(s.slug)::text
    || ', "risk_tags": ' || CAST(i.risk_tags AS TEXT)
    || ', "words": ' || n.words
    || ', "action": "' || CASE d.action WHEN 'edit' THEN 'approve' ELSE d.action END
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
    || ', "id": "' || d.id || '", "link": "/items/' || i.id || '"}}'
ELSE json_build_array(d.id, d.action, d.content_before,
    (extract(epoch FROM d.opened_at) * 1000000)::bigint,
    (extract(epoch FROM d.decided_at) * 1000000)::bigint,
    d.active_seconds::text, d.reason, d.edit_chars, i.id,
    CASE WHEN coalesce(d.content_before, '') = '' THEN i.words END,
    CAST(i.risk_tags AS TEXT), i.canary_id, s.slug, u.email, c.expected, q.agrees)::text
END
FROM decisions d JOIN items i ON i.id = d.item_id JOIN sources s ON s.id = i.source_id
JOIN users u ON u.id = d.user_id LEFT JOIN canaries c ON c.id = i.canary_id
LEFT JOIN qa_reviews q ON q.item_id = i.id AND q.done_at IS NOT NULL
CROSS JOIN LATERAL (SELECT CASE WHEN d.active_seconds = 'NaN' THEN d.active_seconds
    WHEN d.active_seconds > w.dwell THEN w.dwell ELSE d.active_seconds END AS active
    FROM (SELECT extract(epoch FROM d.decided_at)::float8
                 - extract(epoch FROM d.opened_at)::float8 AS dwell) w) x
CROSS JOIN LATERAL (SELECT CASE WHEN coalesce(d.content_before, '') = '' THEN i.words
    ELSE regexp_count(d.content_before, '[^{_SPACE}]+') END AS words) n
WHERE d.decided_at >= %(since)s AND d.action IN ('approve', 'edit', 'reject', 'escalate')
ORDER BY d.decided_at"""
_PG_COPY = f"COPY ({_PG_LINES}) TO STDOUT (FORMAT csv, DELIMITER E'\\x02', QUOTE E'\\x01')"


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
    if session.get_bind().dialect.name == "postgresql":
        return _copy_postgresql(session, since, out)
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
