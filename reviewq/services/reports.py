"""What every report shares: the filters (range, grain, source, tag, model), the tables a
report is made of (shown, charted, downloaded as CSV and served as JSON alike), and the SQL
helpers that bucket dates, measure durations, unnest tags and take percentiles in the
database on SQLite and PostgreSQL alike, so no request loops over rows in Python.

All dates are UTC: a day runs from 00:00 UTC, a week from Monday 00:00 UTC.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Session, scoped_session
from sqlalchemy.sql.elements import ColumnElement

from ..domain.errors import BadQuery
from ..models import Item, Source

AnySession = Session | scoped_session[Session]

DEFAULT_WEEKS = 8
MAX_DAYS = 400  # a range longer than this is refused: a year and a bit of weeks
GRAINS = ("day", "week")
PARAMETERS = ("start", "end", "grain", "source", "tag", "model", "page")
_TEXT = re.compile(r"[A-Za-z0-9_.:/@+-]{1,200}")  # slugs, tags and model names (ASCII)


@dataclass(frozen=True)
class Filters:
    """What a report covers: the days ``start``..``end`` (both included, UTC), bucketed by
    ``grain``; optionally one source (slug), one risk tag, one model (``metadata.model``)."""

    start: date
    end: date
    grain: str = "week"
    source: str | None = None
    tag: str | None = None
    model: str | None = None

    @property
    def since(self) -> datetime:
        """The first instant of the range."""
        return datetime.combine(self.start, time(), UTC)

    @property
    def until(self) -> datetime:
        """The first instant after the range."""
        return datetime.combine(self.end + timedelta(days=1), time(), UTC)

    @property
    def days(self) -> int:
        """Days in the range."""
        return (self.end - self.start).days + 1

    def query(self) -> dict[str, str]:
        """The filters as query-string values (for links and downloads)."""
        values = {
            "start": self.start.isoformat(),
            "end": self.end.isoformat(),
            "grain": self.grain,
            "source": self.source or "",
            "tag": self.tag or "",
            "model": self.model or "",
        }
        return {k: v for k, v in values.items() if v}

    def buckets(self) -> list[str]:
        """Every bucket's label (its first day, ISO) from start to end, empty ones too."""
        first = self.start
        if self.grain == "week":
            first = first - timedelta(days=first.weekday())
        step = timedelta(days=7 if self.grain == "week" else 1)
        labels = []
        while first <= self.end:
            labels.append(first.isoformat())
            first += step
        return labels


def parse_filters(args: Mapping[str, str], today: date) -> Filters:
    """The filters a query string asks for; the last ``DEFAULT_WEEKS`` weeks by week when
    none are given.

    Raises:
        BadQuery: a date that is not YYYY-MM-DD, an end before the start, a range longer
            than ``MAX_DAYS``, an unknown grain, or a source, tag or model with characters
            no such name holds (each named with its message).
    """
    errors: list[dict[str, str]] = []

    def day(name: str, default: date) -> date:
        raw = args.get(name, "")
        if not raw:
            return default
        try:
            if not re.fullmatch(r"[0-9]{4}-[0-9]{2}-[0-9]{2}", raw):
                raise ValueError
            return date.fromisoformat(raw)
        except ValueError:
            errors.append({"field": name, "message": "must be a date written YYYY-MM-DD"})
            return default

    end = day("end", today)
    start = day("start", end - timedelta(days=DEFAULT_WEEKS * 7 - 1))
    grain = args.get("grain", "") or "week"
    if grain not in GRAINS:
        errors.append({"field": "grain", "message": "must be day or week"})
    if not errors and start > end:
        errors.append({"field": "start", "message": "must be on or before the end"})
    if not errors and (end - start).days + 1 > MAX_DAYS:
        errors.append({"field": "start", "message": f"the range may be {MAX_DAYS} days at most"})
    texts: dict[str, str | None] = {}
    for name in ("source", "tag", "model"):
        raw = args.get(name, "")
        if raw and not _TEXT.fullmatch(raw):
            errors.append({"field": name, "message": "is not a name reviewq knows"})
        texts[name] = raw or None
    if errors:
        raise BadQuery(errors)
    return Filters(start, end, grain, texts["source"], texts["tag"], texts["model"])


@dataclass
class Table:
    """One table of a report: what the page shows, the CSV holds and the JSON API serves."""

    name: str  # stable, for URLs: [a-z_]+
    title: str
    columns: list[str]
    rows: list[list[Any]] = field(default_factory=list)
    note: str = ""

    def to_dict(self) -> dict[str, Any]:
        """The table as JSON: its columns and one object a row."""
        return {
            "name": self.name,
            "title": self.title,
            "note": self.note,
            "columns": self.columns,
            "rows": [dict(zip(self.columns, row, strict=True)) for row in self.rows],
        }

    def column(self, name: str) -> list[Any]:
        """One column's values, top to bottom (for charts)."""
        k = self.columns.index(name)
        return [row[k] for row in self.rows]


@dataclass
class Report:
    """A report: its tables, in the order the page shows them, under the filters used."""

    name: str
    title: str
    filters: Filters
    tables: dict[str, Table] = field(default_factory=dict)
    summary: dict[str, Any] = field(default_factory=dict)

    def add(self, table: Table) -> Table:
        self.tables[table.name] = table
        return table

    def to_dict(self) -> dict[str, Any]:
        """The report as JSON (the API's body)."""
        f = self.filters
        return {
            "report": self.name,
            "title": self.title,
            "time_zone": "UTC",
            "filters": {
                "start": f.start.isoformat(),
                "end": f.end.isoformat(),
                "grain": f.grain,
                "source": f.source,
                "tag": f.tag,
                "model": f.model,
            },
            "summary": self.summary,
            "tables": [t.to_dict() for t in self.tables.values()],
        }


# --- SQL that works the same on SQLite and PostgreSQL ---------------------------------


def dialect(session: AnySession) -> str:
    """``sqlite`` or ``postgresql``."""
    return session.get_bind().dialect.name


def bucket(session: AnySession, column: Any, grain: str) -> ColumnElement[str]:
    """The bucket ``column`` (a UTC timestamp) falls in, as its first day 'YYYY-MM-DD':
    strftime on SQLite, date_trunc on PostgreSQL (weeks start on Monday in both)."""
    if dialect(session) == "sqlite":
        if grain == "week":
            return sa.func.strftime("%Y-%m-%d", column, "-6 days", "weekday 1")
        return sa.func.strftime("%Y-%m-%d", column)
    utc = sa.func.timezone("UTC", column)
    return sa.func.to_char(sa.func.date_trunc(grain, utc), "YYYY-MM-DD")


def hour_bucket(session: AnySession, column: Any) -> ColumnElement[str]:
    """The hour ``column`` falls in (UTC), as text."""
    if dialect(session) == "sqlite":
        return sa.func.strftime("%Y-%m-%d %H", column)
    return sa.func.to_char(
        sa.func.date_trunc("hour", sa.func.timezone("UTC", column)), "YYYY-MM-DD HH24"
    )


def seconds_between(session: AnySession, earlier: Any, later: Any) -> Any:
    """``later - earlier`` in seconds."""
    if dialect(session) == "sqlite":
        return (sa.func.julianday(later) - sa.func.julianday(earlier)) * 86400.0
    return sa.func.extract("epoch", later - earlier)


def tags_of(session: AnySession, column: Any) -> Any:
    """A table-valued function of the tags in a JSON array column (one row, ``value``,
    each); joined with ``ON true`` it unnests the tags (implicitly lateral)."""
    name = "json_each" if dialect(session) == "sqlite" else "json_array_elements_text"
    return getattr(sa.func, name)(column).table_valued("value")


def model_of() -> ColumnElement[str]:
    """The draft's ``metadata.model`` as text (None when not given)."""
    return Item.meta["model"].as_string()


def item_filters(session: AnySession, filters: Filters) -> list[ColumnElement[bool]]:
    """Conditions on ``items`` for the source, tag and model filters."""
    conditions: list[ColumnElement[bool]] = []
    if filters.source:
        conditions.append(
            Item.source_id.in_(sa.select(Source.id).where(Source.slug == filters.source))
        )
    if filters.tag:
        tags = tags_of(session, Item.risk_tags)
        conditions.append(sa.exists(sa.select(tags.c.value).where(tags.c.value == filters.tag)))
    if filters.model:
        conditions.append(model_of() == filters.model)
    return conditions


def percentiles(
    session: AnySession,
    keys: Sequence[Any],
    value: Any,
    where: Sequence[Any],
    froms: Sequence[Any] = (),
    joins: Sequence[tuple[Any, Any]] = (),
    points: Sequence[int] = (50, 90),
    sums: Sequence[Any] = (),
) -> dict[tuple[Any, ...], list[float | None]]:
    """The nearest-rank percentiles (the value at rank ceil(p n / 100)) of ``value`` for each
    group of ``keys``, taken by a window function in the database.

    Args:
        session: the database session.
        keys: the columns to group by.
        value: the measured expression.
        where: conditions on the rows.
        froms: the first table(s) to select from.
        joins: further (target, on) joins.
        points: the percentiles, in percent.
        sums: per-row expressions to total per group in the same pass (after the
            percentiles come the group's row count and these totals).

    Returns:
        group (a tuple of key values) -> the percentiles, in the order of ``points``.
    """
    labelled = [k.label(f"k{i}") for i, k in enumerate(keys)]
    inner = sa.select(
        *labelled,
        value.label("v"),
        *(e.label(f"s{i}") for i, e in enumerate(sums)),
        sa.func.row_number().over(partition_by=list(keys), order_by=value).label("rn"),
        sa.func.count().over(partition_by=list(keys)).label("n"),
    )
    for f in froms:
        inner = inner.select_from(f)
    for target, on in joins:
        inner = inner.join(target, on)
    sub = inner.where(*where, value.is_not(None)).subquery()
    group = [sub.c[f"k{i}"] for i in range(len(keys))]
    picks = [sa.func.min(sa.case((sub.c.rn == (sub.c.n * p + 99) // 100, sub.c.v))) for p in points]
    totals = [sa.func.max(sub.c.n)] + [sa.func.sum(sub.c[f"s{i}"]) for i in range(len(sums))]
    if not sums:
        totals = []
    rows = session.execute(sa.select(*group, *picks, *totals).group_by(*group)).all()
    out: dict[tuple[Any, ...], list[float | None]] = {}
    for row in rows:
        key = tuple(row[: len(keys)])
        out[key] = [None if v is None else float(v) for v in row[len(keys) :]]
    return out


def share(part: int | None, whole: int | None) -> float | None:
    """``part / whole`` rounded to 4 places; None when ``whole`` is 0."""
    if not whole:
        return None
    return round((part or 0) / whole, 4)


def rounded(value: float | None, places: int = 1) -> float | None:
    """``value`` rounded, None kept."""
    return None if value is None else round(float(value), places)
