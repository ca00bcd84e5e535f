"""Oversight detector: the statistics, record validation, sessions and windows."""

from __future__ import annotations

import json
import math
from datetime import UTC, datetime, timedelta, timezone

import pytest

from reviewq.domain.oversight import (
    DecisionRecord,
    RecordError,
    analyze,
    analyze_lines,
    beta_binomial_tail,
    binomial_tail,
    canary_miss_posterior,
    cohen_kappa_binary,
    mann_whitney_greater,
    robust_center,
    wilson_interval,
)

pytestmark = pytest.mark.domain_only

T0 = datetime(2026, 11, 2, 9, 0, tzinfo=UTC)


def rec(
    at: float,
    dwell: float = 40.0,
    *,
    reviewer: str = "r1",
    words: int = 100,
    action: str = "approve",
    edited: bool = False,
    tags: tuple[str, ...] = (),
    canary: bool = False,
    qa: bool | None = None,
    reason: str | None = None,
    item: str | None = None,
    rid: str | None = None,
    link: str | None = None,
) -> DecisionRecord:
    opened = T0 + timedelta(seconds=at)
    return DecisionRecord(
        reviewer=reviewer,
        item=item or f"i-{reviewer}-{at:g}",
        source="support-bot",
        risk_tags=tags,
        words=words,
        action=action,
        edited=edited,
        opened_at=opened,
        decided_at=opened + timedelta(seconds=dwell),
        active_seconds=None,
        canary=canary,
        canary_expected="reject" if canary else None,
        qa_agreed=qa,
        reason=reason,
        id=rid,
        link=link,
    )


def line(**over: object) -> str:
    base = {
        "reviewer": "r17",
        "item": "i-93",
        "source": "support-bot",
        "risk_tags": ["refund"],
        "words": 184,
        "action": "approve",
        "edited": False,
        "opened_at": "2026-11-02T09:14:03Z",
        "decided_at": "2026-11-02T09:14:59Z",
        "active_seconds": 50.2,
        "canary": False,
        "canary_expected": None,
        "qa_agreed": None,
    }
    base.update(over)
    return json.dumps({k: v for k, v in base.items() if v != "<drop>"})


# -- statistics --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("x", "n", "lo", "hi"),
    [
        (0, 0, 0.0, 1.0),
        (5, 10, 0.2366, 0.7634),
        (0, 30, 0.0, 0.1135),
        (30, 30, 0.8865, 1.0),
        (60, 60, 0.9398, 1.0),
    ],
)
def test_wilson_interval(x: int, n: int, lo: float, hi: float) -> None:
    got = wilson_interval(x, n)
    assert (round(got[0], 4), round(got[1], 4)) == (lo, hi)


@pytest.mark.parametrize(
    ("x", "n", "p", "upper", "expected"),
    [
        (3, 3, 0.5, True, 0.125),
        (0, 3, 0.5, False, 0.125),
        (0, 3, 0.5, True, 1.0),  # P(X >= 0)
        (3, 3, 0.5, False, 1.0),  # P(X <= n)
        (4, 3, 0.5, True, 0.0),  # impossible
        (2, 10, 0.1, True, 0.2639),
        (0, 50, 0.1, False, 0.0052),
    ],
)
def test_binomial_tail(x: int, n: int, p: float, upper: bool, expected: float) -> None:
    assert round(binomial_tail(x, n, p, upper=upper), 4) == expected


def test_beta_binomial_with_a_b_of_one_is_uniform() -> None:
    # p = 0.5, kappa = 2 -> Beta(1, 1): every count 0..n equally likely
    assert beta_binomial_tail(8, 10, 0.5, 2.0, upper=True) == pytest.approx(3 / 11)
    assert beta_binomial_tail(2, 10, 0.5, 2.0, upper=False) == pytest.approx(3 / 11)
    # overdispersion makes an extreme count far less surprising than under the binomial
    assert beta_binomial_tail(40, 50, 0.5, 20.0, upper=True) > 500 * binomial_tail(
        40, 50, 0.5, upper=True
    )


def test_beta_binomial_u_shaped_sums_the_whole_tail() -> None:
    # a = b = 0.25 is U-shaped: the early stop must not cut the far end off
    total = beta_binomial_tail(0, 30, 0.5, 0.5, upper=True)
    assert total == pytest.approx(1.0)
    assert beta_binomial_tail(1, 30, 0.5, 0.5, upper=True) + beta_binomial_tail(
        0, 30, 0.5, 0.5, upper=False
    ) == pytest.approx(1.0)


@pytest.mark.parametrize(
    ("caught", "planted", "expected"),
    [
        (1, 8, 0.98046875),  # DESIGN: 8 planted, at most 1 caught -> fires (> 0.95)
        (2, 8, 0.91015625),  # 2 caught -> does not
        (0, 6, 0.9921875),
        (1, 6, 0.9375),
        (0, 0, 0.0),
    ],
)
def test_canary_posterior(caught: int, planted: int, expected: float) -> None:
    assert canary_miss_posterior(caught, planted) == expected


def test_mann_whitney() -> None:
    u, p = mann_whitney_greater([4, 5, 6], [1, 2, 3])
    assert u == 9.0 and round(p, 4) == 0.0404
    assert mann_whitney_greater([], [1.0]) == (0.0, 1.0)
    assert mann_whitney_greater([2.0, 2.0], [2.0, 2.0, 2.0])[1] == 1.0  # all tied
    assert mann_whitney_greater([1, 2, 3], [4, 5, 6])[1] > 0.95


def test_kappa_and_robust_center() -> None:
    assert cohen_kappa_binary([True, True, False, False], [True] * 4) == 1.0
    assert cohen_kappa_binary([True, True, False, False], [False] * 4) == -1.0
    assert cohen_kappa_binary([True] * 5, [True] * 5) is None  # undefined, not 0 or 1
    assert cohen_kappa_binary([], []) is None
    assert robust_center([1, 2, 3, 4, 100]) == (3, 1)
    mid, mad = robust_center([])
    assert math.isnan(mid) and math.isnan(mad)


# -- records: validation, clock skew, negative durations ---------------------------------------


def test_negative_dwell_is_refused_and_small_skew_is_clamped() -> None:
    with pytest.raises(RecordError) as err:
        rec(0, dwell=-2.5)
    assert err.value.field == "decided_at" and "negative durations are refused" in str(err.value)
    skewed = rec(0, dwell=-1.5)
    assert skewed.decided_at == skewed.opened_at
    report = analyze([skewed])
    assert report.team["input"]["clamped_clock_skew"] == 0  # clamped on construction
    assert report.reviewers[0].metrics["median_dwell_seconds"] == 0.0


@pytest.mark.parametrize(
    ("over", "field", "problem"),
    [
        ({"decided_at": "2026-11-02T09:13:59Z"}, "decided_at", "4.0 s before opened_at"),
        ({"active_seconds": -1}, "active_seconds", "negative (-1)"),
        ({"opened_at": "2026-11-02T09:14:03"}, "opened_at", "has no time zone"),
        ({"opened_at": "yesterday"}, "opened_at", "not an ISO 8601 time"),
        ({"decided_at": "<drop>"}, "decided_at", "missing or not an ISO 8601 string"),
        ({"words": "184"}, "words", "missing or not an integer"),
        ({"words": -3}, "words", "out of range"),
        # numbers past any real decision (and past the analysis's 64-bit columns)
        ({"words": 2**63}, "words", "out of range"),
        ({"words": 10**400}, "words", "out of range"),
        ({"edit_chars": 2**63}, "edit_chars", "expected an integer"),
        ({"active_seconds": 10**400}, "active_seconds", "out of range"),
        ({"active_seconds": -(2**70)}, "active_seconds", "out of range"),
        ({"action": "approved"}, "action", "expected one of approve, reject, escalate"),
        ({"action": "reject", "edited": True}, "edited", "true only for an approval"),
        ({"reviewer": ""}, "reviewer", "missing or not a non-empty string"),
        ({"risk_tags": "refund"}, "risk_tags", "expected a list of strings"),
        ({"qa_agreed": "yes"}, "qa_agreed", "expected true, false or null"),
        ({"canary_expected": "approve"}, "canary_expected", "expected reject, escalate"),
        ({"active_seconds": True}, "active_seconds", "expected a number or null"),
    ],
)
def test_bad_lines_name_the_line_and_field(over: dict, field: str, problem: str) -> None:
    good = line()
    report, errors = analyze_lines([good, line(**over), good])
    assert len(errors) == 1
    assert errors[0].line == 2 and errors[0].field == field
    assert str(errors[0]).startswith(f"line 2: field {field}: ")
    assert problem in errors[0].problem
    assert report.team["decisions"] == 2  # nothing else aborted


def test_log_lines_clock_skew_and_active_time_are_clamped_and_counted() -> None:
    report, errors = analyze_lines(
        [
            line(decided_at="2026-11-02T09:14:01.500Z"),  # 1.5 s before opened: skew
            line(active_seconds=99.0),  # more than the 56 s dwell
            line(
                opened_at="2026-11-02T10:14:03+01:00",
                decided_at="2026-11-02T09:14:13Z",
                active_seconds=8,
            ),
        ]
    )
    assert errors == []
    assert report.team["input"]["clamped_clock_skew"] == 2
    metrics = report.reviewers[0].metrics
    assert metrics["median_dwell_seconds"] == 10.0  # 0, 56, 10 (zones honoured)
    assert metrics["median_active_seconds"] == 8.0  # 0 and 56 (clamped to the dwell), 8


def test_invalid_json_blank_and_non_utf8_lines() -> None:
    report, errors = analyze_lines([line(), "", "{not json", b"\xff\xfe{}", "[1, 2]", b"  \n"])
    assert [str(e) for e in errors] == [
        "line 3: field <json>: not valid JSON (Expecting property name enclosed in double quotes)",
        "line 4: field <line>: not valid UTF-8 (byte 0: invalid start byte)",
        "line 5: field <line>: expected a JSON object",
    ]
    assert report.team["input"]["lines_read"] == 6
    assert report.team["input"]["skipped_lines"] == 3
    assert report.team["decisions"] == 1


def test_from_dict_round_trip() -> None:
    record = DecisionRecord.from_dict(json.loads(line(reason="wrong amount", id=7)))
    assert record.reviewer == "r17" and record.risk_tags == ("refund",)
    assert record.id == "7" and record.reason == "wrong amount" and record.active_seconds == 50.2
    assert record.decided_at - record.opened_at == timedelta(seconds=56)
    other = DecisionRecord.from_dict(json.loads(line(active_seconds=None)))
    assert other.active_seconds is None


# -- signals: no data, one decision, minimum samples -------------------------------------------


def test_no_data() -> None:
    report = analyze([])
    assert report.reviewers == []
    assert report.team["decisions"] == 0
    assert report.team["symbolic_oversight_index"]["value"] == 0.0
    assert json.loads(report.to_json())["team"]["verdicts"] == {
        "ok": 0,
        "individual": 0,
        "conditions": 0,
        "insufficient": 0,
    }


def test_sessions_split_on_a_ten_minute_gap() -> None:
    records = [rec(0), rec(40.0 + 540.0), rec(620.0 + 600.0)]  # gaps of 9 min, then 10 min
    assert analyze(records).reviewers[0].metrics["sessions"] == 2


def test_window_days_keeps_the_last_days() -> None:
    records = [rec(86400.0 * day) for day in range(20)]
    report = analyze(records, window_days=14)
    assert report.team["decisions"] == 15  # days 5..19: decided within 14 days of the last
    assert report.team["input"]["outside_window"] == 5
    assert report.team["window"]["days"] == 14
    assert report.team["window"]["end"] == "2026-11-21T09:00:40Z"


def test_out_of_order_records_are_sorted_per_reviewer() -> None:
    records = _fast(30)
    shuffled = records[15:] + records[:15]
    a = analyze(records).reviewers[0]
    b = analyze(shuffled).reviewers[0]
    assert a.signals == b.signals and a.metrics == b.metrics


def test_zone_offsets_are_honoured() -> None:
    opened = datetime(2026, 11, 2, 10, 0, tzinfo=timezone(timedelta(hours=1)))
    record = DecisionRecord(
        "r1", "i1", "s", (), 10, "approve", False, opened, T0 + timedelta(seconds=5)
    )
    assert analyze([record]).reviewers[0].metrics["median_dwell_seconds"] == 5.0


def test_optional_fields_are_read_with_or_without_every_design_field() -> None:
    full = json.loads(line(reason="wrong amount"))
    partial = {k: v for k, v in full.items() if k not in ("source", "canary")}
    for obj in (full, partial):
        record = DecisionRecord.from_dict(obj)
        assert record.reason == "wrong amount"
    _, errors = analyze_lines([json.dumps({**partial, "reason": 3})])
    assert [str(e) for e in errors] == ["line 1: field reason: expected a string or null"]


def _fast(count: int) -> list[DecisionRecord]:
    # 5 s on a 100-word draft (floor 12 s), one a minute: under the floor, not overloaded
    return [rec(60.0 * i, dwell=5.0) for i in range(count)]
