"""The steps every view shares: load or 404 (and read the page number of a list), then run
one service and commit (or say why not)."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import TypeVar

from flask import abort, flash, request
from sqlalchemy.orm.interfaces import ORMOption

from ..extensions import db_session
from ..services import paging

T = TypeVar("T")


def found_or_404(found: T | None) -> T:
    """``found``, or a 404 (a page for people, problem+json for the API) when it is None."""
    if found is None:
        abort(404)
    return found


def get_or_404(model: type[T], ident: int, *options: ORMOption) -> T:
    """The ``model`` row with primary key ``ident`` (loaded with ``options``), or a 404."""
    return found_or_404(db_session.get(model, ident, options=list(options)))


class Committed:
    """Whether a :func:`committing` block's work was committed (truthy) or refused."""

    ok = False

    def __bool__(self) -> bool:
        return self.ok


@contextmanager
def committing(*errors: type[Exception]) -> Iterator[Committed]:
    """Commit what the block did; on one of ``errors`` roll back and flash its message.

    The success message belongs after the block, under ``if done:``, so it is only shown
    once the commit went through. Other errors propagate to the central error handlers.

    Yields:
        A :class:`Committed`, true once the commit succeeded.
    """
    done = Committed()
    try:
        yield done
        db_session.commit()
        done.ok = True
    except errors as exc:
        db_session.rollback()
        flash(str(exc), "error")


def page_number() -> int:
    """The ``page`` query argument (1 when absent); anything but a whole number in
    1..``paging.MAX_PAGE`` is a 400, never a 500 or a silent first page."""
    raw = request.args.get("page", "1")
    if not (raw.isascii() and raw.isdigit() and len(raw) <= 6):
        abort(400)
    number = int(raw)
    if not 1 <= number <= paging.MAX_PAGE:
        abort(400)
    return number
