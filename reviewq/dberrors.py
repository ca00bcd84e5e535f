"""Database errors carry no data: a draft that a statement failed on never reaches the logs.

SQLAlchemy's ``hide_parameters`` keeps the statement's parameters out of its errors; this
module keeps PostgreSQL's own message from quoting them back ("DETAIL: Failing row contains
(...)", "Key (external_id)=(...) already exists", a CONTEXT line quoting bad JSON).
SQLite's messages name the constraint, never a value, and are left alone.
"""

from __future__ import annotations

from typing import Any, cast

from sqlalchemy import event
from sqlalchemy.engine import Engine
from sqlalchemy.exc import DBAPIError


def data_free_message(error: BaseException) -> str | None:
    """The message of a PostgreSQL error without what may quote data, or None to keep the
    message as it is (not a server error, e.g. a refused connection, or not PostgreSQL).

    Kept: the primary message (it names the constraint, column or table) and the SQLSTATE;
    for data exceptions (class 22, e.g. 'invalid input syntax for type integer: "..."') the
    primary message may quote the value, so only the column is named.
    """
    diag = getattr(error, "diag", None)
    sqlstate = getattr(diag, "sqlstate", None)
    if not sqlstate:
        return None
    primary = getattr(diag, "message_primary", None) or type(error).__name__
    if sqlstate.startswith("22"):
        column = getattr(diag, "column_name", None)
        primary = f"invalid data for column {column}" if column else "invalid data"
    return f"{primary} (SQLSTATE {sqlstate})"


def hide_data_in_errors(engine: Engine) -> None:
    """Rewrite every database error of ``engine`` before anyone can log it."""

    @event.listens_for(engine, "handle_error")
    def scrub(context: Any) -> None:
        _scrub(context.original_exception, context.sqlalchemy_exception)


def wrapped(engine: Engine, statement: str, error: Exception, invalidated: bool) -> DBAPIError:
    """A driver's error on a statement sent without SQLAlchemy, scrubbed and wrapped as
    SQLAlchemy wraps its own (``OperationalError`` and the rest, without parameters), so it
    is answered and logged the same way.

    Args:
        engine: the engine whose connection ran the statement.
        statement: the statement's text (it holds no data: parameters are bound).
        error: the driver's error.
        invalidated: whether the connection was dropped for it.
    """
    dialect = engine.dialect
    error_class = cast(type[Exception], dialect.loaded_dbapi.Error)
    result = DBAPIError.instance(
        statement, None, error, error_class, True, invalidated, dialect, False
    )
    assert isinstance(result, DBAPIError)  # the driver's errors are all ``dbapi.Error``
    _scrub(error, result)
    return result


def _scrub(error: BaseException, wrapper: BaseException | None) -> None:
    message = data_free_message(error)
    if message is None:
        return
    error.args = (message,)
    if wrapper is not None:  # its message was copied from the error's
        kind = type(error)
        wrapper.args = (f"({kind.__module__}.{kind.__name__}) {message}",)
