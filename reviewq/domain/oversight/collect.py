"""Collection: records and log lines into each reviewer's compact columns.

Records are buffered per reviewer as tuples and moved into ``array`` columns in batches (a
C-level transpose), which keeps a million-line log cheap to collect.
"""

from __future__ import annotations

import gc
import json
import math
import struct
from array import array
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from datetime import datetime
from typing import Any

from ..checklist import log_field_problem, rushed
from .records import (
    ACTION_CODE,
    MAX_COUNT,
    DecisionRecord,
    RecordError,
    _check_durations,
    _normalize,
)
from .report import Report, build_report
from .settings import DEFAULT_SETTINGS, OversightSettings


class Columns:
    __slots__ = (
        "o",
        "d",
        "act",
        "w",
        "a",
        "e",
        "c",
        "q",
        "src",
        "tag",
        "items",
        "ids",
        "links",
        "lines",
        "why",
        "ec",
        "ck",
    )

    def __init__(self) -> None:
        self.o = array("d")
        self.d = array("d")
        self.act = array("d")  # NaN = not reported
        self.w = array("l")
        self.a = array("b")
        self.e = array("b")
        self.c = array("b")
        self.q = array("b")  # -1 not sampled, 0 disagreed, 1 agreed
        self.src = array("l")
        self.tag = array("l")
        self.items: list[str] = []
        self.ids: list[str | None] = []
        self.links: dict[int, str] = {}  # position -> link, only when given
        self.lines = array("l")  # 0 when the record did not come from a log line
        self.why: list[tuple[int, str]] = []  # (position, reason text)
        self.ec = array("l")  # characters an edit changed; -1 unknown
        self.ck = array("b")  # checklist: -1 none, 1 every box ticked within 1 s, 0 not


_FLUSH_AT = 65536


def _extend(column: array, values: tuple) -> None:
    """Append a tuple of numbers to an array (via struct: ~5x faster than array.extend)."""
    column.frombytes(struct.pack(f"{len(values)}{column.typecode}", *values))


class OversightAnalyzer:
    """Feed records (``add``) or log lines (``add_line``/``add_lines``), then ``report()``.

    Records are buffered per reviewer as tuples and moved into the compact columns in
    batches (a C-level transpose), which keeps a million-line log cheap to collect.
    """

    def __init__(
        self,
        settings: OversightSettings = DEFAULT_SETTINGS,
        *,
        window_days: float | None = None,
        now: datetime | None = None,
    ) -> None:
        self.settings = settings
        self.window_days = window_days
        self.now = now
        self._by_reviewer: dict[str, Columns] = {}
        self._pending: dict[str, list[tuple]] = {}
        self._pending_count = 0
        self._sources: dict[str, int] = {}
        self._tagsets: dict[tuple[str, ...], int] = {}
        self._latest = -math.inf
        self.records = 0
        self.clamped = 0
        self.lines_read = 0
        self.errors: list[RecordError] = []
        self.error_count = 0
        self.keep_errors = 1000

    # -- input ---------------------------------------------------------------------------------
    def _push(self, f: tuple) -> None:
        rows = self._pending.get(f[0])
        if rows is None:
            rows = self._pending[f[0]] = []
        rows.append(f)
        self._pending_count += 1
        if self._pending_count >= _FLUSH_AT:
            self._flush()

    def _flush(self) -> None:
        smap, tmap = self._sources, self._tagsets
        for name, rows in self._pending.items():
            cols = self._by_reviewer.get(name)
            if cols is None:
                cols = self._by_reviewer[name] = Columns()
            base = len(cols.items)
            (_, items, sources, tags, words, acts, edited, opened, decided, active, canary, qa,
             reasons, ids, links, clamped, lines, chars, rush,
             ) = zip(*rows, strict=True)  # fmt: skip
            for x in set(sources):
                if x not in smap:
                    smap[x] = len(smap)
            for x in set(tags):
                if x not in tmap:
                    tmap[x] = len(tmap)
            _extend(cols.o, opened)
            _extend(cols.d, decided)
            _extend(cols.act, active)
            _extend(cols.w, words)
            _extend(cols.a, acts)
            _extend(cols.e, edited)
            _extend(cols.c, canary)
            _extend(cols.q, qa)
            _extend(cols.src, tuple(map(smap.__getitem__, sources)))
            _extend(cols.tag, tuple(map(tmap.__getitem__, tags)))
            cols.items.extend(items)
            cols.ids.extend(ids)
            _extend(cols.lines, lines)
            _extend(cols.ec, chars)
            _extend(cols.ck, rush)
            if reasons.count(None) != len(reasons):
                cols.why.extend((base + k, r) for k, r in enumerate(reasons) if r is not None)
            if links.count(None) != len(links):
                cols.links.update((base + k, x) for k, x in enumerate(links) if x is not None)
            self.clamped += sum(clamped)
            latest = max(decided)
            if latest > self._latest:
                self._latest = latest
            self.records += len(rows)
            rows.clear()  # free them now, while they are in the CPU cache (not after all)
        self._pending.clear()
        self._pending_count = 0

    def add(self, record: DecisionRecord) -> None:
        """Add one validated record (the live service's path)."""
        self._push(
            (
                record.reviewer,
                record.item,
                record.source,
                tuple(record.risk_tags),
                record.words,
                ACTION_CODE[record.action],
                record.edited,
                record.opened_at.timestamp(),
                record.decided_at.timestamp(),
                math.nan if record.active_seconds is None else record.active_seconds,
                record.canary,
                -1 if record.qa_agreed is None else int(record.qa_agreed),
                record.reason,
                record.id,
                record.link,
                False,
                0,
                -1 if record.edit_chars is None else record.edit_chars,
                _rush(record.checklist),
            )
        )

    def add_values(
        self,
        reviewer: str,
        item: str,
        source: str,
        risk_tags: tuple[str, ...],
        words: int,
        action: str,
        edited: bool,
        opened: float,
        decided: float,
        active: float | None,
        canary: bool,
        qa_agreed: bool | None,
        reason: str | None = None,
        id: str | None = None,  # noqa: A002 (the record's field name)
        link: str | None = None,
        edit_chars: int | None = None,
        checklist: dict[str, Any] | None = None,
    ) -> None:
        """Add one decision from plain values, times as POSIX seconds: ``add`` without
        building a ``DecisionRecord`` (the live service streams a million rows), checked and
        clamped as a record is. Raises ``RecordError``."""
        code = ACTION_CODE.get(action)
        if code is None:
            raise RecordError("action", f"expected one of {', '.join(ACTION_CODE)}")
        if not 0 <= words <= MAX_COUNT:
            raise RecordError("words", f"out of range: 0 to {MAX_COUNT:,}")
        if edited and code:
            raise RecordError("edited", "true only for an approval (approved with edits)")
        if edit_chars is not None and not 0 <= edit_chars <= MAX_COUNT:
            raise RecordError("edit_chars", "negative: expected a non-negative integer or null")
        if decided < opened or (active is not None and (active < 0 or active > decided - opened)):
            tol = self.settings.clock_skew_tolerance_seconds
            decided, active, _ = _check_durations(opened, decided, active, tol)
        self._push(
            (reviewer, item, source, risk_tags, words, code, edited, opened, decided,
             math.nan if active is None else active, canary,
             -1 if qa_agreed is None else int(qa_agreed), reason, id, link, False, 0,
             -1 if edit_chars is None else edit_chars, _rush(checklist))
        )  # fmt: skip

    def add_line(self, text: str | bytes, line: int) -> bool:
        """Add one JSON log line; blank lines are ignored (False). Raises ``RecordError``."""
        self.lines_read += 1
        try:
            decoded = text.decode() if isinstance(text, bytes) else text
            f = _normalize(json.loads(decoded), self.settings.clock_skew_tolerance_seconds, line)
        except ValueError as exc:
            if not isinstance(exc, RecordError) and not text.strip():
                return False
            raise _line_error(exc, line) from None
        self._push(f)
        return True

    def add_lines(self, lines: Iterable[str | bytes]) -> None:
        """Add a whole log; bad lines are counted and kept (the first ``keep_errors``)."""
        loads, normalize = json.loads, _normalize
        # json.loads without its Python wrapper (a quarter of its time on a short line): the
        # C scanner reads the object; anything unusual goes through json.loads for its answer
        scan = json.JSONDecoder().scan_once  # type: ignore[attr-defined]
        tol = self.settings.clock_skew_tolerance_seconds
        pending = self._pending
        count = self._pending_count  # kept in a local on the hot path
        number = 0
        with _gc_paused():
            try:
                for number, raw in enumerate(lines, start=1):  # noqa: B007 (used after the loop)
                    try:
                        text = raw.decode() if type(raw) is bytes else raw
                        try:
                            obj, end = scan(text, 0)
                        except StopIteration:
                            obj, end = loads(text), len(text)
                        if end != len(text) and not text[end:].isspace():
                            obj = loads(text)  # raises "Extra data"
                        f = normalize(obj, tol, number)
                    except ValueError as exc:
                        if not isinstance(exc, RecordError) and not raw.strip():
                            continue  # blank line
                        self.error_count += 1
                        if len(self.errors) < self.keep_errors:
                            self.errors.append(_line_error(exc, number))
                        continue
                    rows = pending.get(f[0])
                    if rows is None:
                        rows = pending[f[0]] = []
                    rows.append(f)
                    count += 1
                    if count >= _FLUSH_AT:
                        self._flush()  # resets the pending count
                        count = 0
            finally:
                self._pending_count = count
        self.lines_read += number

    # -- output --------------------------------------------------------------------------------
    def report(self) -> Report:
        with _gc_paused():
            self._flush()
            return build_report(self)


@contextmanager
def _gc_paused() -> Iterator[None]:
    """Pause the cyclic garbage collector during bulk work that creates no cycles.

    Collecting a million records allocates millions of short-lived containers; the collector
    would scan the growing heap again and again for nothing (about a fifth of the run time).
    Reference counting still frees everything; the collector is restored afterwards.
    """
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


def _rush(checklist: dict[str, Any] | None) -> int:
    """A decision's checklist as the columns keep it (see ``Columns.ck``)."""
    if checklist is None:
        return -1
    if problem := log_field_problem(checklist):
        raise RecordError("checklist", problem)
    return 1 if rushed(checklist) else 0


def _line_error(exc: ValueError, line: int) -> RecordError:
    if isinstance(exc, RecordError):
        return exc.at(line)
    if isinstance(exc, UnicodeDecodeError):
        return RecordError("<line>", f"not valid UTF-8 (byte {exc.start}: {exc.reason})", line)
    msg = getattr(exc, "msg", None) or str(exc)
    return RecordError("<json>", f"not valid JSON ({msg})", line)


def analyze(
    records: Iterable[DecisionRecord],
    settings: OversightSettings = DEFAULT_SETTINGS,
    *,
    window_days: float | None = None,
    now: datetime | None = None,
) -> Report:
    """Run the detector over decision records."""
    analyzer = OversightAnalyzer(settings, window_days=window_days, now=now)
    for record in records:
        analyzer.add(record)
    return analyzer.report()


def analyze_lines(
    lines: Iterable[str | bytes],
    settings: OversightSettings = DEFAULT_SETTINGS,
    *,
    window_days: float | None = None,
    now: datetime | None = None,
) -> tuple[Report, list[RecordError]]:
    """Run the detector over a JSON-lines log; bad lines are returned, not raised."""
    analyzer = OversightAnalyzer(settings, window_days=window_days, now=now)
    analyzer.add_lines(lines)
    return analyzer.report(), analyzer.errors
