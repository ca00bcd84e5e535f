"""A draft and its audit event stored on PostgreSQL in one round trip (intake's hot path).

``receiving`` stores a draft by its snapshot of the source and the policy; on PostgreSQL
it does so with the one statement here, sent on a pooled connection in autocommit, so the
statement is its own transaction (no BEGIN, no COMMIT: one round trip in all):

- the item: ``INSERT ... SELECT ... WHERE <the snapshot holds> ON CONFLICT DO NOTHING``;
- its ``item.submitted`` event, inserted from the item's ``RETURNING`` row. The event's
  content hash covers its subject ``item:<id>``, which only the database knows, so Python
  computes the canonical text around the id (``domain.audit.content_around_id``) and the
  statement hashes ``head || id || tail`` with PostgreSQL's ``sha256``: the same hash as
  ``audit.record`` gives, which ``flask audit verify`` checks.

Either both rows are stored or neither (one statement). Nothing stored means the snapshot
is out of date or the draft repeats one, and the caller takes the general path.

The statement runs on the psycopg connection itself, prepared once per connection, without
SQLAlchemy's execution around it; a database error is scrubbed and wrapped as SQLAlchemy
would (``dberrors.wrapped``), so it maps to the same answers (503 when the database does
not answer) and logs no data, and a broken connection is dropped from the pool.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Mapping
from enum import Enum
from typing import Any, cast

import sqlalchemy as sa
from sqlalchemy.dialects.postgresql import psycopg as pg_dialect
from sqlalchemy.engine import Engine
from sqlalchemy.orm import Session

from .. import dberrors
from ..domain.audit import content_around_id
from ..models import Item

ITEM = sa.inspect(Item)
_Adapt = Callable[[Any], Any]
_statements: dict[tuple[str, ...], tuple[str, dict[str, _Adapt], dict[str, Any]]] = {}


def store(
    on: Engine | Session,
    values: Mapping[str, Any],
    guard: Mapping[str, Any],
    event: tuple[str, str, dict[str, Any]],
) -> int | None:
    """Insert the item and its audit event in one statement.

    Args:
        on: an engine (PostgreSQL): the statement is its own transaction, on a connection
            of the pool in autocommit; or the caller's session, whose transaction it joins
            (for the caller to commit).
        values: the item's columns by attribute key (``intake.item_values``).
        guard: the snapshot the statement checks (``receiving.Sender.guard``).
        event: the event's actor, action and data; it is about ``item:<id>``, at the
            item's ``created_at``.

    Returns:
        The new item's id, or None when nothing was stored (the snapshot is out of date,
        or the draft repeats one).

    Raises:
        sqlalchemy.exc.DBAPIError: the database failed the statement (nothing was stored).
    """
    statement, adapt, defaults = _statement(tuple(values))
    actor, action, data = event
    head, tail = content_around_id(values["created_at"], actor, action, "item", data)
    params = {key: adapt[key](value) if key in adapt else value for key, value in values.items()}
    params |= defaults
    params |= guard
    params |= {
        "e_actor": actor,
        "e_action": action,
        "e_data": json.dumps(data),
        "e_head": head,
        "e_tail": tail,
    }
    if not isinstance(on, Engine):
        return cast(int | None, on.connection().exec_driver_sql(statement, params).scalar())
    engine = on
    fairy = engine.raw_connection()
    try:
        connection = fairy.driver_connection
        assert connection is not None
        try:
            connection.autocommit = True
            row = connection.execute(statement, params, prepare=True).fetchone()
            connection.autocommit = False
        except engine.dialect.loaded_dbapi.Error as exc:
            broken = engine.dialect.is_disconnect(exc, fairy, None)
            if broken:
                fairy.invalidate(exc)  # the pool opens a new one for the next request
            else:
                connection.autocommit = False  # the failed statement left no transaction
            raise dberrors.wrapped(engine, statement, exc, broken) from exc
    finally:
        fairy.close()
    return None if row is None else cast(int, row[0])


def _statement(keys: tuple[str, ...]) -> tuple[str, dict[str, _Adapt], dict[str, Any]]:
    """The statement for items given these columns, how each value is passed, and the
    parameters of the columns whose default the model gives (e.g. ``version``); built once
    per set of columns."""
    if keys not in _statements:
        _statements[keys] = _build(keys)
    return _statements[keys]


def _build(keys: tuple[str, ...]) -> tuple[str, dict[str, _Adapt], dict[str, Any]]:
    dialect = pg_dialect.dialect()
    columns = {key: ITEM.columns[key] for key in keys}
    defaults: dict[str, Any] = {}
    for key, column in ITEM.columns.items():
        default = column.default
        if key not in columns and default is not None and default.is_scalar:
            columns[key] = column
            defaults[key] = cast(Any, default).arg
    adapt: dict[str, _Adapt] = {}
    for key, column in columns.items():
        if isinstance(column.type, sa.JSON):
            adapt[key] = json.dumps  # as SQLAlchemy passes JSON (the json type keeps the text)
        elif isinstance(column.type, sa.Enum):
            adapt[key] = _enum_value
    defaults = {key: adapt.get(key, _same)(value) for key, value in defaults.items()}
    names = ", ".join(column.name for column in columns.values())
    selected = ", ".join(
        f"%({key})s::{column.type.compile(dialect)}" for key, column in columns.items()
    )
    statement = f"""
WITH item AS (
    INSERT INTO items ({names})
    SELECT {selected}
    WHERE EXISTS (
            SELECT FROM sources
            WHERE id = %(g_source)s::integer AND status = 'active' AND canary_rate <= 0
                AND secret_sealed = %(g_sealed)s::text
                AND previous_secret_sealed IS NOT DISTINCT FROM %(g_previous_sealed)s::text
                AND previous_secret_until IS NOT DISTINCT FROM %(g_previous_until)s::timestamptz
        )
        AND (SELECT max(id) FROM policy_versions) IS NOT DISTINCT FROM %(g_policy)s::integer
        AND NOT EXISTS (
            SELECT FROM policy_versions
            WHERE id = %(g_policy)s::integer AND created_at <> %(g_policy_at)s::timestamptz
        )
    ON CONFLICT DO NOTHING
    RETURNING id, created_at
), event AS (
    INSERT INTO audit_events (at, actor, action, subject, data, hash)
    SELECT created_at, %(e_actor)s::text, %(e_action)s::text, 'item:' || id, %(e_data)s::json,
        encode(sha256(convert_to(%(e_head)s::text || id || %(e_tail)s::text, 'UTF8')), 'hex')
    FROM item
)
SELECT id FROM item
"""
    return statement, adapt, defaults


def _enum_value(value: Any) -> Any:
    return value.value if isinstance(value, Enum) else value


def _same(value: Any) -> Any:
    return value
