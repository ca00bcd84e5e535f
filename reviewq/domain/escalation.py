"""Escalation levels, PagerDuty-style: unclaimed too long, an escalation moves up a level.

Only people who can act on an escalation are paged: resolving one needs the supervise
permission (``authority``), so every level pages supervisors. Level 2 pages the senior
supervisors (own level ``senior_level`` or above), or every supervisor when there is none.
Managers and admins cannot resolve escalations, so they are never paged.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from .authority import Role


@dataclass(frozen=True)
class Level:
    """Who is paged at a level, and how long they have to claim before it moves up."""

    number: int
    name: str
    notify: frozenset[Role]
    claim_within: timedelta | None  # None: the last level waits for as long as it takes
    senior_level: int | None = None  # page only those of this own level or above, if any


LEVELS = (
    Level(1, "supervisors", frozenset({Role.SUPERVISOR}), timedelta(minutes=30)),
    Level(2, "senior supervisors", frozenset({Role.SUPERVISOR}), None, senior_level=2),
)


def level(number: int) -> Level:
    """The level with this number (the last one for anything beyond)."""
    return LEVELS[min(number, len(LEVELS)) - 1]


def should_move_up(number: int, since: datetime, claimed: bool, now: datetime) -> bool:
    """Whether an escalation has waited unclaimed past its level's time (never by a decision:
    moving up only pages more people; nothing is ever approved by a timer)."""
    current = level(number)
    if claimed or current.claim_within is None or number >= len(LEVELS):
        return False
    return now - since >= current.claim_within
