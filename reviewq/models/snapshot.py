"""Counts too costly to take on every request at scale, as the sweep last took them."""

from __future__ import annotations

from datetime import datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from ..extensions import Model
from .types import UTCDateTime


class CountSnapshot(Model):
    """One taking of one kind of counts (``queue``: the queued items by source, risk, level
    and age; ``catches``: canaries caught and decided per reviewer) at ``counted_at``, over
    ``size`` rows. A new taking is a new row (older ones of its kind are deleted), so two
    sweeps taking counts at once never collide."""

    __tablename__ = "count_snapshots"
    __table_args__ = (sa.Index("ix_count_snapshots_kind", "kind", "id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(sa.String(20))
    counted_at: Mapped[datetime] = mapped_column(UTCDateTime)
    size: Mapped[int]  # the rows counted: a small count is taken afresh on each request
    rows: Mapped[list[list[Any]]] = mapped_column(sa.JSON)
