"""Erlang C: how many reviewers a queue needs to meet its SLA (the staffing forecast).

The model (M/M/N): drafts arrive at random (Poisson) at ``rate`` an hour, each takes on
average ``handling_seconds`` of careful reading, and ``agents`` reviewers work the queue in
parallel. The offered load is ``A = rate x handling time`` (in erlangs: reviewers kept busy).
Erlang C gives the probability that a draft has to wait at all,

    C(N, A) = (A^N / N!) (N / (N - A)) / (sum_{k<N} A^k / k! + (A^N / N!) (N / (N - A))),

and the share answered within ``t`` is ``SL = 1 - C(N, A) exp(-(N - A) t / handling)``.
It is computed through the Erlang B recursion ``B(k) = A B(k-1) / (k + A B(k-1))``, which
never overflows, and ``C = N B / (N - A (1 - B))``. Pure: no database, no clock.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

MAX_AGENTS = 10_000


def erlang_c(agents: int, load: float) -> float:
    """The probability that an arriving draft waits (Erlang C).

    Args:
        agents: reviewers working the queue at once (N >= 1).
        load: the offered load A in erlangs (arrival rate x mean handling time), >= 0.

    Returns:
        C(N, A) in [0, 1]; 1 when the queue is unstable (A >= N).

    Raises:
        ValueError: for fewer than one agent or a negative load.
    """
    if agents < 1 or load < 0:
        raise ValueError("agents must be >= 1 and load >= 0")
    if load == 0:
        return 0.0
    if load >= agents:
        return 1.0
    blocking = 1.0
    for k in range(1, agents + 1):
        blocking = load * blocking / (k + load * blocking)
    return agents * blocking / (agents - load * (1 - blocking))


def service_level(
    agents: int, load: float, handling_seconds: float, within_seconds: float
) -> float:
    """The share of drafts whose wait is at most ``within_seconds`` (0 when unstable)."""
    if load >= agents:
        return 0.0
    waits = erlang_c(agents, load)
    return 1 - waits * math.exp(-(agents - load) * within_seconds / handling_seconds)


@dataclass(frozen=True)
class Staffing:
    """The reviewers a level needs at once, and what that means in reviewer-hours a day."""

    load: float  # erlangs: reviewers kept busy on average
    agents: int  # reviewers needed at once to meet the target (0: no drafts)
    service_level: float  # the share within the SLA those agents achieve
    hours_needed_per_day: float


def staff_for(
    rate_per_hour: float,
    handling_seconds: float,
    sla_seconds: float,
    target: float,
    open_hours_per_day: float,
) -> Staffing:
    """The fewest reviewers at once for which at least ``target`` of the drafts are decided
    within ``sla_seconds`` of arriving (waiting plus handling), by Erlang C.

    Args:
        rate_per_hour: drafts arriving an hour while drafts arrive.
        handling_seconds: careful handling time per draft (mean).
        sla_seconds: the SLA: arrival to decision.
        target: the share that must meet it (e.g. 0.95).
        open_hours_per_day: hours a day drafts arrive (the hours that need cover).

    Returns:
        The staffing; ``hours_needed_per_day`` is agents x open hours.
    """
    if rate_per_hour <= 0 or handling_seconds <= 0:
        return Staffing(0.0, 0, 1.0, 0.0)
    load = rate_per_hour * handling_seconds / 3600
    wait_allowed = max(0.0, sla_seconds - handling_seconds)
    agents = max(1, math.floor(load) + 1)
    while agents < MAX_AGENTS:
        level = service_level(agents, load, handling_seconds, wait_allowed)
        if level >= target:
            break
        agents += 1
    else:
        level = service_level(agents, load, handling_seconds, wait_allowed)
    return Staffing(load, agents, level, agents * open_hours_per_day)
