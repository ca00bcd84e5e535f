"""Audit event hashing. An event's own hash covers its content; the log's Merkle leaf for
it (``leaf_data``) binds that hash to the event's id. Events written before the log (the
hash chain of revisions up to 0009) kept a hash that also covers ``seq`` and the hash before
(``event_hash``), and ``verify_chain`` still walks that chain.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

GENESIS = "0" * 64


def content_hash(at: datetime, actor: str, action: str, subject: str, data: dict[str, Any]) -> str:
    """SHA-256 (hex) over a canonical JSON form of an event's content, so any edit changes it.

    Args:
        at: when it happened (any zone: hashed as UTC to the microsecond).
        actor: who did it.
        action: what happened.
        subject: to what.
        data: details (JSON values).
    """
    return hashlib.sha256(_canonical(at, actor, action, subject, data).encode()).hexdigest()


def content_around_id(
    at: datetime, actor: str, action: str, kind: str, data: dict[str, Any]
) -> tuple[str, str]:
    """The canonical form hashed by ``content_hash`` for the subject ``{kind}:{id}``, as the
    text before and after the id, for a statement that hashes the event once the database
    has given the id: SHA-256 of ``head + str(id) + tail`` is that event's content hash.
    (The subject is the canonical form's last key, so the id's digits are its only part
    not known beforehand.)"""
    marker = "\uffff"  # kept as is (ensure_ascii=False); its last place is in the subject
    canonical = _canonical(at, actor, action, f"{kind}:{marker}", data)
    head, _, tail = canonical.rpartition(marker)
    return head, tail


def _canonical(at: datetime, actor: str, action: str, subject: str, data: dict[str, Any]) -> str:
    return json.dumps(
        {
            "at": at.astimezone(UTC).isoformat(timespec="microseconds"),
            "actor": actor,
            "action": action,
            "subject": subject,
            "data": data,
        },
        sort_keys=True,
        separators=(",", ":"),
        ensure_ascii=False,
    )


def leaf_data(event_id: int, hash_hex: str) -> bytes:
    """What the Merkle leaf of an event holds: its id (8 bytes, big-endian) and its hash,
    so neither an edit nor moving the content to another id goes unnoticed."""
    return event_id.to_bytes(8, "big") + bytes.fromhex(hash_hex)


@dataclass(frozen=True)
class EventRecord:
    """The hashed content of one event of the old hash chain (before the log)."""

    seq: int
    at: datetime
    actor: str
    action: str
    subject: str
    data: dict[str, Any]
    prev_hash: str


def event_hash(event: EventRecord) -> str:
    """SHA-256 over a canonical JSON form of a chained event, its link included."""
    canonical = json.dumps(
        {
            "seq": event.seq,
            "at": event.at.astimezone(UTC).isoformat(timespec="microseconds"),
            "actor": event.actor,
            "action": event.action,
            "subject": event.subject,
            "data": event.data,
            "prev": event.prev_hash,
        },
        sort_keys=True,
        separators=(",", ":"),
        ensure_ascii=False,
    )
    return hashlib.sha256(canonical.encode()).hexdigest()


@dataclass(frozen=True)
class BrokenLink:
    """Where the chain stops holding, and why."""

    seq: int
    problem: str


def verify_chain(events: Iterable[tuple[EventRecord, str]]) -> tuple[int, BrokenLink | None]:
    """Walk events in order of ``seq`` and check every link.

    Args:
        events: (content, stored hash) pairs, ordered by sequence number.

    Returns:
        How many events verified, and the first broken link (None when the chain holds).
    """
    prev, expected_seq, count = GENESIS, 1, 0
    for record, stored_hash in events:
        if record.seq != expected_seq:
            return count, BrokenLink(record.seq, f"expected event {expected_seq} (gap or reorder)")
        if record.prev_hash != prev:
            return count, BrokenLink(record.seq, "prev_hash does not match the event before")
        if event_hash(record) != stored_hash:
            return count, BrokenLink(record.seq, "content does not match its hash (edited)")
        prev, expected_seq, count = stored_hash, expected_seq + 1, count + 1
    return count, None
