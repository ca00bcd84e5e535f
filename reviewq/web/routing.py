"""URL converters for every route: a path that names nothing the database could hold is a
404 at routing, before any view or query sees it."""

from __future__ import annotations

from typing import Any

from werkzeug.routing import IntegerConverter, Map, UnicodeConverter

MAX_ID = 2**31 - 1  # ids are INTEGER columns (int4 on PostgreSQL)


class IdConverter(IntegerConverter):
    """``<int:...>``: a row id, so no larger than an id column holds (a bigger number would
    overflow the query's parameter: a 500 on PostgreSQL and SQLite alike)."""

    def __init__(
        self,
        map: Map,
        fixed_digits: int = 0,
        min: int | None = None,
        max: int | None = MAX_ID,
        signed: bool = False,
    ) -> None:
        super().__init__(map, fixed_digits, min, max, signed)


class SegmentConverter(UnicodeConverter):
    """``<name>``: one path segment of printable text, at most 200 characters; no NUL or
    other control characters (PostgreSQL text refuses NUL)."""

    def __init__(self, map: Map, minlength: int = 1, maxlength: int = 200, **kwargs: Any) -> None:
        super().__init__(map, minlength, maxlength, **kwargs)
        self.regex = f"[^/\\x00-\\x1f\\x7f-\\x9f]{{{minlength},{maxlength}}}"


CONVERTERS = {"int": IdConverter, "default": SegmentConverter, "string": SegmentConverter}
