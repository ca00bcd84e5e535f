from dataclasses import replace
from datetime import UTC, datetime, timedelta

from reviewq.domain.audit import GENESIS, EventRecord, event_hash, verify_chain


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
