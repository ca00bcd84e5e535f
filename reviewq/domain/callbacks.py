"""Decision callbacks: which event an outcome sends, and when to try again."""

from __future__ import annotations

import ipaddress
import random
from datetime import datetime, timedelta
from email.utils import parsedate_to_datetime

# The Standard Webhooks retry schedule: after the first try, wait these in turn (~27 hours).
RETRY_SCHEDULE = (
    timedelta(seconds=5),
    timedelta(minutes=5),
    timedelta(minutes=30),
    timedelta(hours=2),
    timedelta(hours=5),
    timedelta(hours=10),
    timedelta(hours=10),
)
MAX_RETRY_AFTER = timedelta(hours=24)
TIMEOUT_SECONDS = 15
EVENTS = {
    "approved": "item.approved",
    "rejected": "item.rejected",
    "withdrawn": "item.withdrawn",
    "escalated": "item.escalated",
}


def parse_retry_after(value: str | None, now: datetime) -> timedelta | None:
    """A ``Retry-After`` header (seconds or an HTTP date) as a delay, capped at a day."""
    if not value:
        return None
    value = value.strip()
    try:
        delay = (
            timedelta(seconds=int(value))
            if value.isdigit()
            else (parsedate_to_datetime(value) - now)
        )
    except (TypeError, ValueError, OverflowError):
        return None
    return max(timedelta(0), min(delay, MAX_RETRY_AFTER))


def next_attempt(
    attempts_made: int, now: datetime, rng: random.Random, retry_after: timedelta | None = None
) -> datetime | None:
    """When to try again after ``attempts_made`` failed tries; None when the schedule is spent.

    The schedule's delay gets +-10% jitter so receivers coming back up are not hit in step;
    a receiver's ``Retry-After`` replaces the delay when it asks for longer.
    """
    if attempts_made > len(RETRY_SCHEDULE):
        return None
    delay = RETRY_SCHEDULE[attempts_made - 1] * rng.uniform(0.9, 1.1)
    if retry_after is not None and retry_after > delay:
        delay = retry_after
    return now + delay


def is_public_address(address: str) -> bool:
    """False for loopback, private, link-local and other non-public targets (SSRF guard)."""
    ip = ipaddress.ip_address(address)
    return ip.is_global and not ip.is_multicast
