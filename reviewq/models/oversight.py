"""Stored oversight results: what the oversight job computed for each window, read by the
Oversight page and the review stats pages instead of analysing every decision per request."""

from __future__ import annotations

from datetime import datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from ..extensions import Model
from .types import UTCDateTime


class OversightRun(Model):
    """One computation of the detector over one window (7, 14, 28 or 90 days) ending at
    ``computed_at``; a new one replaces the window's previous one."""

    __tablename__ = "oversight_runs"
    __table_args__ = (sa.UniqueConstraint("window_days", "computed_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    window_days: Mapped[int]
    computed_at: Mapped[datetime] = mapped_column(UTCDateTime)  # the end of the window
    seconds: Mapped[float]  # how long the computation took
    decisions: Mapped[int]
    team: Mapped[dict[str, Any]] = mapped_column(sa.JSON)  # Report.team
    # One entry a whole week, oldest first: week_start, week_end (ISO), decisions, index.
    trend: Mapped[list[dict[str, Any]]] = mapped_column(sa.JSON)


class OversightResult(Model):
    """One reviewer's verdict, signals and evidence in one run, with the numbers the list
    sorts on as columns (so a page loads only the rows it shows)."""

    __tablename__ = "oversight_results"
    __table_args__ = (
        sa.UniqueConstraint("run_id", "reviewer"),
        sa.Index("ix_oversight_results_user", "user_id", "run_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    run_id: Mapped[int] = mapped_column(
        sa.ForeignKey("oversight_runs.id", ondelete="CASCADE"), index=True
    )
    reviewer: Mapped[str] = mapped_column(sa.String(320))  # as the detector names them: email
    user_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))
    verdict: Mapped[str] = mapped_column(sa.String(16))
    verdict_rank: Mapped[int]  # the list's verdict order: individual first, ok last
    decisions: Mapped[int]
    items_per_hour: Mapped[float | None]
    median_dwell_seconds: Mapped[float | None]
    under_floor_share: Mapped[float | None]
    result: Mapped[dict[str, Any]] = mapped_column(sa.JSON)  # ReviewerResult.to_dict()
    line: Mapped[list[float]] = mapped_column(sa.JSON)  # dwell / reading floor, last decisions
    weeks: Mapped[list[str | None]] = mapped_column(sa.JSON)  # verdict per trend week
