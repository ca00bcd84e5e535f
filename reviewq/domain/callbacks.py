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


# IPv6 ranges that carry an IPv4 address in their last 32 bits: the well-known NAT64 prefix
# (RFC 6052) and the deprecated IPv4-compatible form (RFC 4291). A NAT64 gateway turns
# 64:ff9b::7f00:1 into 127.0.0.1 on its side, so the IPv4 inside must be public as well.
_NAT64 = ipaddress.IPv6Network("64:ff9b::/96")
_IPV4_COMPATIBLE = ipaddress.IPv6Network("::/96")
# Local-use NAT64 (RFC 8215) embeds anything and routes only inside one network.
_NAT64_LOCAL = ipaddress.IPv6Network("64:ff9b:1::/48")


def embedded_ipv4(ip: ipaddress.IPv6Address) -> list[ipaddress.IPv4Address]:
    """The IPv4 addresses an IPv6 address carries: IPv4-mapped, NAT64, IPv4-compatible,
    6to4 (2002::/16) and both ends of Teredo (2001::/32)."""
    found = []
    if ip.ipv4_mapped is not None:
        found.append(ip.ipv4_mapped)
    if ip in _NAT64 or ip in _IPV4_COMPATIBLE:
        found.append(ipaddress.IPv4Address(int(ip) & 0xFFFFFFFF))
    if ip.sixtofour is not None:
        found.append(ip.sixtofour)
    if ip.teredo is not None:
        found.extend(ip.teredo)
    return found


def is_public_address(address: str) -> bool:
    """False for loopback, private, link-local and other non-public targets (SSRF guard),
    including IPv6 forms that lead to a non-public IPv4 address, and for anything that
    is not an IP address at all."""
    try:
        ip = ipaddress.ip_address(address)
    except ValueError:
        return False
    if not ip.is_global or ip.is_multicast:
        return False
    if isinstance(ip, ipaddress.IPv6Address):
        if ip in _NAT64_LOCAL or ip in _IPV4_COMPATIBLE:
            return False  # local-use NAT64; IPv4-compatible is deprecated, never a real host
        return all(is_public_address(str(v4)) for v4 in embedded_ipv4(ip))
    return True
