"""Values shaped like a source's real ones (canaries), checked over many seeded draws."""

import re
import uuid
from datetime import UTC, datetime, timedelta
from random import Random

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from reviewq.domain import lookalike
from reviewq.domain.intake import EXTERNAL_ID

SEEDS = range(300)
T0 = datetime(2026, 11, 2, 9, 0, tzinfo=UTC)


def _uuids(n: int, seed: int = 0) -> list[str]:
    rng = Random(seed)
    return [str(uuid.UUID(int=rng.getrandbits(128), version=4)) for _ in range(n)]


FAMILIES = [
    # samples, the shape every fresh id must have
    ([f"ticket-{48213 + 7 * n}" for n in range(20)], r"ticket-48[23]\d\d"),
    ([f"claim-2026-{193 + 5 * n:04d}" for n in range(20)], r"claim-2026-0[1-2]\d\d"),
    (_uuids(10), r"[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}"),
    ([f"req_{uuid.UUID(u).hex[:16]}" for u in _uuids(10, 1)], r"req_[0-9a-f]{16}"),
    (["ORD-A1B2C3", "ORD-Z9Y8X7", "ORD-K4L5M6"], r"ORD-[A-Z0-9]{6}"),
    (["draft-8812"], r"draft-88\d\d"),  # one sample: its prefix and the head of its number
]


@pytest.mark.parametrize(("samples", "shape"), FAMILIES)
def test_fresh_identifiers_have_the_samples_shape_and_are_none_of_them(samples, shape) -> None:
    for seed in SEEDS:
        candidates = lookalike.identifier_candidates(samples, Random(seed))
        assert candidates, seed
        for value in candidates:
            assert re.fullmatch(shape, value), (seed, value)
            assert value not in samples and EXTERNAL_ID.fullmatch(value)
        assert len(set(candidates)) == len(candidates)
        for value in lookalike.identifier_candidates(samples, Random(seed), loose=True):
            assert value not in samples and len(value) == len(samples[0])


def test_digits_are_drawn_between_the_samples_never_above() -> None:
    samples = [f"ticket-{n}" for n in (48213, 48217, 48220, 48226, 48338)]
    drawn = {
        int(v.split("-")[1])
        for seed in SEEDS
        for v in lookalike.identifier_candidates(samples, Random(seed))
    }
    assert min(drawn) >= 48213 and max(drawn) <= 48338
    assert len(drawn) > 50  # spread over the range, not one favourite


def test_the_plant_delay_spans_seconds_to_minutes() -> None:
    rng = Random(7)
    delays = [lookalike.plant_delay(rng) for _ in range(2000)]
    assert all(lookalike.MIN_DELAY <= d <= lookalike.MAX_DELAY for d in delays)
    assert sum(d < timedelta(seconds=30) for d in delays) > 300
    assert sum(d > timedelta(minutes=3) for d in delays) > 300


@pytest.mark.parametrize(
    "gap", [timedelta(minutes=5), timedelta(microseconds=3), timedelta(0), -timedelta(seconds=1)]
)
def test_an_arrival_is_never_at_either_end(gap) -> None:
    for seed in SEEDS:
        at = lookalike.arrival_between(T0, T0 + gap, Random(seed))
        assert at < T0 + gap and at != T0
        if gap > timedelta(microseconds=2):
            assert at > T0


def test_the_same_canary_is_never_chosen_twice_in_a_row() -> None:
    rng = Random(3)
    last, seen = None, []
    for _ in range(1000):
        chosen = lookalike.choose([4, 5, 6], last, rng)
        assert chosen != last
        last = chosen
        seen.append(chosen)
    assert set(seen) == {4, 5, 6}
    assert lookalike.choose([4], 4, rng) == 4  # a library of one


REAL_METADATA = [
    {
        "model": "gpt-4.1-mini" if n % 3 else "gpt-4.1",
        "confidence": round(0.6 + n / 100, 2),
        "latency_ms": 1200 + 41 * n,
        "request_id": f"req_{uuid.UUID(u).hex[:12]}",
        "trace": {"traceId": uuid.UUID(u).hex, "sampled": n % 2 == 0},
        "summary": f"Customer {n} asks about order NW-{1043000 + n}",
        "customer": f"cust{n}x",
        "tags": ["support", "email"],
    }
    for n, u in enumerate(_uuids(12, 2))
]


def test_metadata_takes_the_shape_and_never_a_value_that_names_one_draft() -> None:
    unique = (
        {m["request_id"] for m in REAL_METADATA}
        | {m["trace"]["traceId"] for m in REAL_METADATA}
        | {m["summary"] for m in REAL_METADATA}
        | {m["customer"] for m in REAL_METADATA}
    )
    for seed in SEEDS:
        meta = lookalike.metadata_like(REAL_METADATA, "Refund of $4,000", Random(seed))
        assert list(meta) == list(REAL_METADATA[0])
        assert list(meta["trace"]) == ["traceId", "sampled"]
        assert isinstance(meta["trace"]["sampled"], bool)
        assert meta["model"] in {"gpt-4.1-mini", "gpt-4.1"}
        assert (
            0.6 <= meta["confidence"] <= 0.71 and round(meta["confidence"], 2) == meta["confidence"]
        )
        assert 1200 <= meta["latency_ms"] <= 1200 + 41 * 11
        assert re.fullmatch(r"req_[0-9a-f]{12}", meta["request_id"])
        assert re.fullmatch(r"[0-9a-f]{32}", meta["trace"]["traceId"])
        assert meta["summary"] == "Refund of $4,000"  # free text: the canary's own words
        assert re.fullmatch(r"[a-z]{4}\d+[a-z]", meta["customer"])
        assert meta["tags"] == ["support", "email"]  # the same in every draft
        values = {meta["request_id"], meta["trace"]["traceId"], meta["summary"], meta["customer"]}
        assert not values & unique


def test_the_first_drafts_tokens_are_kept_and_its_text_is_not() -> None:
    first = {"model": "demo-model", "note": "for Maya", "session": "s-8812"}
    meta = lookalike.metadata_like([first], "Canary", Random(1))
    assert meta["model"] == "demo-model" and meta["note"] == "Canary"
    assert meta["session"] != "s-8812" and re.fullmatch(r"s-88\d\d", meta["session"])
    assert lookalike.metadata_like([], "Canary", Random(1)) == {}


def test_context_is_the_canarys_own_in_the_sources_layout() -> None:
    shared = "You are the support assistant. Draft a reply."
    real = [
        {
            "prompt": shared,
            "conversation": [{"role": "user", "content": f"Order NW-{n}?"}],
            "documents": [{"title": f"Order NW-{n}"}],
            "channel": "email",
        }
        for n in range(5)
    ]
    own = {"conversation": [{"role": "user", "content": "Refund me $4,000"}], "extra": "x"}
    for seed in SEEDS:
        context = lookalike.context_like(real, own, Random(seed))
        assert context == {
            "prompt": shared,  # the same in every draft: it names none of them
            "conversation": own["conversation"],
            "documents": [],  # unique to each draft: never copied
            "channel": "email",
            "extra": "x",
        }
    assert lookalike.context_like([], own, Random(1)) == own


@pytest.mark.parametrize(
    ("key", "is_id"),
    [
        ("request_id", True),
        ("traceId", True),
        ("conversation", True),
        ("session_key", True),
        ("order_no", True),
        ("id", True),
        ("model", False),
        ("latency_ms", False),
        ("max_tokens", False),
        ("confidence", False),
    ],
)
def test_id_keys(key, is_id) -> None:
    assert lookalike.id_key(key) is is_id


@pytest.mark.parametrize(
    ("value", "is_id"),
    [
        (str(uuid.uuid4()), True),
        ("NW-1043387", True),
        ("a3f9c01d", True),
        ("01HZX3KQ8M2N4P5R6S7T8V9W0X", True),
        (1767000000, True),
        ("gpt-4.1-mini", False),
        ("email", False),
        ("deadbeef", False),  # hex letters without a digit: a word
        (1840, False),
        (True, False),
        (0.71, False),
    ],
)
def test_id_values(value, is_id) -> None:
    assert lookalike.id_value(value) is is_id


JSON = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=20),
    lambda children: (
        st.lists(children, max_size=4) | st.dictionaries(st.text(max_size=8), children, max_size=4)
    ),
    max_leaves=12,
)


@settings(max_examples=300, deadline=None)
@given(
    samples=st.lists(
        st.dictionaries(st.text(max_size=8), JSON, max_size=5), min_size=1, max_size=6
    ),
    seed=st.integers(0, 2**32),
)
def test_any_metadata_or_context_a_source_sends_gives_a_shape(samples, seed) -> None:
    """Planting runs inside a source's intake: no metadata may make it fail."""
    rng = Random(seed)
    meta = lookalike.metadata_like(samples, "Canary", rng)
    assert list(meta) in [list(s) for s in samples]
    context = lookalike.context_like(samples, {"conversation": []}, rng)
    assert context["conversation"] == []


@settings(max_examples=300, deadline=None)
@given(
    samples=st.lists(st.text(min_size=1, max_size=40), min_size=1, max_size=6),
    seed=st.integers(0, 2**32),
    loose=st.booleans(),
)
def test_any_ids_a_source_sends_give_fresh_ones(samples, seed, loose) -> None:
    candidates = lookalike.identifier_candidates(samples, Random(seed), loose=loose)
    assert not set(candidates) & set(samples)
