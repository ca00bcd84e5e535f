"""One page of a long list: LIMIT/OFFSET on an indexed order, one row more to know whether
another page follows (no count of the whole list)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, Generic, TypeVar

import sqlalchemy as sa
from sqlalchemy.orm import Session, scoped_session

T = TypeVar("T")
PER_PAGE = 50
MAX_PAGE = 10_000  # beyond it a page number is refused (an OFFSET that deep costs a scan)


@dataclass(frozen=True)
class Page(Generic[T]):
    """The rows of page ``number`` (from 1) and whether there is a next one."""

    rows: Sequence[T]
    number: int
    has_next: bool

    @property
    def has_previous(self) -> bool:
        """Whether a page comes before this one."""
        return self.number > 1


def fetch(
    session: Session | scoped_session[Any],
    stmt: sa.Select[T],
    number: int,
    per_page: int = PER_PAGE,
) -> Page[T]:
    """Page ``number`` of ``stmt``'s entities (``stmt`` must be ordered, ties broken by id).

    Raises:
        ValueError: ``number`` is outside 1..``MAX_PAGE``.
    """
    if not 1 <= number <= MAX_PAGE:
        raise ValueError(f"page must be between 1 and {MAX_PAGE}")
    rows = session.scalars(stmt.limit(per_page + 1).offset((number - 1) * per_page)).all()
    return Page(rows=rows[:per_page], number=number, has_next=len(rows) > per_page)
