import hashlib
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from typing import Any

from hypothesis import given
from hypothesis import strategies as st

from reviewq.domain.audit import (
    GENESIS,
    EventRecord,
    content_around_id,
    content_hash,
    event_hash,
    verify_chain,
)


def chain(n: int) -> list[tuple[EventRecord, str]]:
    events, prev = [], GENESIS
    start = datetime(2026, 11, 2, 9, 0, tzinfo=UTC)
    for seq in range(1, n + 1):
        record = EventRecord(
            seq,
            start + timedelta(seconds=seq),
            "cli",
            "x",
            f"item:{seq}",
            {"n": seq, "text": "é <b>"},
            prev,
        )
        prev = event_hash(record)
        events.append((record, prev))
    return events


def test_intact_chain_verifies() -> None:
    assert verify_chain(chain(5)) == (5, None)


def test_empty_chain_verifies() -> None:
    assert verify_chain([]) == (0, None)


def test_edited_data_is_found() -> None:
    events = chain(5)
    record, stored = events[2]
    events[2] = (replace(record, data={"n": 999}), stored)
    count, broken = verify_chain(events)
    assert count == 2 and broken is not None and broken.seq == 3 and "edited" in broken.problem


def test_removed_event_is_found() -> None:
    events = chain(5)
    del events[1]
    count, broken = verify_chain(events)
    assert count == 1 and broken is not None and broken.seq == 3


def test_rehashed_forgery_breaks_the_next_link() -> None:
    events = chain(4)
    forged = replace(events[1][0], actor="someone-else")
    events[1] = (forged, event_hash(forged))
    count, broken = verify_chain(events)
    assert count == 2 and broken is not None and broken.seq == 3 and "prev_hash" in broken.problem


def test_hash_does_not_depend_on_the_time_zone_of_the_timestamp() -> None:
    record = chain(1)[0][0]
    elsewhere = replace(record, at=record.at.astimezone(datetime.now().astimezone().tzinfo))
    assert event_hash(elsewhere) == event_hash(record)


@given(
    item_id=st.integers(min_value=1, max_value=2**63 - 1),
    actor=st.text(),
    data=st.dictionaries(st.text(), st.one_of(st.text(), st.integers(), st.none())),
)
def test_the_text_around_an_id_hashes_as_the_event_would(
    item_id: int, actor: str, data: dict[str, Any]
) -> None:
    """The one-statement intake hashes head || id || tail in the database: any id, any
    actor and data (a stray U+FFFF or subject-like text included) give the event's hash."""
    at = datetime(2026, 12, 1, 7, 30, 0, 123456, tzinfo=UTC)
    head, tail = content_around_id(at, actor, "item.submitted", "item", data)
    hashed = hashlib.sha256(f"{head}{item_id}{tail}".encode()).hexdigest()
    assert hashed == content_hash(at, actor, "item.submitted", f"item:{item_id}", data)


def test_the_text_around_an_id_keeps_a_stray_marker_in_the_data() -> None:
    at = datetime(2026, 12, 1, tzinfo=UTC)
    data = {"external_id": "\uffff", "subject": "item:\uffff"}
    head, tail = content_around_id(at, "source:bot", "item.submitted", "item", data)
    assert tail == '"}'
    hashed = hashlib.sha256(f"{head}42{tail}".encode()).hexdigest()
    assert hashed == content_hash(at, "source:bot", "item.submitted", "item:42", data)
