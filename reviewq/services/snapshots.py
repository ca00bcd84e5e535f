"""Counts taken by the sweep for pages that would otherwise count a million rows a request.

A page asks for the newest snapshot of its kind; it gets one only when that is recent and
large (a small count is cheap, so it is taken afresh and exact), and then says the numbers
are "about" and when they were counted.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime, timedelta
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Session

from ..models import CountSnapshot

MAX_AGE = timedelta(minutes=5)  # older than this (no sweep running): count afresh
LARGE = 20_000  # rows counted from which a page shows the snapshot instead of counting


def take(
    session: Session, kind: str, now: datetime, size: int, rows: Sequence[Sequence[Any]]
) -> CountSnapshot:
    """Store a new snapshot of ``kind`` and delete the older ones (flush only)."""
    snapshot = CountSnapshot(kind=kind, counted_at=now, size=size, rows=[list(r) for r in rows])
    session.add(snapshot)
    session.flush()
    session.execute(
        sa.delete(CountSnapshot).where(CountSnapshot.kind == kind, CountSnapshot.id < snapshot.id)
    )
    return snapshot


def usable(
    session: Session, kind: str, now: datetime, large: int | None = None
) -> CountSnapshot | None:
    """The newest snapshot of ``kind`` when it is recent (``MAX_AGE``) and counted at least
    ``large`` rows (default ``LARGE``); None when the page should count afresh."""
    large = LARGE if large is None else large
    newest = session.scalar(
        sa.select(CountSnapshot)
        .where(CountSnapshot.kind == kind)
        .order_by(CountSnapshot.id.desc())
        .limit(1)
    )
    if newest is None or newest.size < large or newest.counted_at < now - MAX_AGE:
        return None
    return newest
