import json

import pytest

from reviewq.domain.errors import ValidationFailed
from reviewq.domain.intake import BadJSON, parse_json, parse_submission

GOOD = {"external_id": "draft-1", "title": "T", "content": "Hello"}


def fields_of(payload: object) -> set[str]:
    with pytest.raises(ValidationFailed) as err:
        parse_submission(payload)
    return {e["field"] for e in err.value.errors}


def test_minimal_submission_gets_defaults() -> None:
    sub = parse_submission(GOOD)
    assert sub.content_type == "text/plain"
    assert (sub.risk_tags, sub.context, sub.metadata) == ([], {}, {})


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"external_id": None}, "external_id"),
        ({"external_id": ""}, "external_id"),
        ({"external_id": "has space"}, "external_id"),
        ({"external_id": "x" * 201}, "external_id"),
        ({"external_id": "ok\n"}, "external_id"),
        ({"external_id": 12}, "external_id"),
        ({"title": None}, "title"),
        ({"title": "   "}, "title"),
        ({"title": "x" * 301}, "title"),
        ({"title": 5}, "title"),
        ({"content": None}, "content"),
        ({"content": "a\x00b"}, "content"),
        ({"content": "\ud800"}, "content"),
        ({"content_type": "text/html"}, "content_type"),
        ({"risk_tags": "refund"}, "risk_tags"),
        ({"risk_tags": ["Refund"]}, "risk_tags[0]"),
        ({"risk_tags": ["ok", 3]}, "risk_tags[1]"),
        ({"risk_tags": ["a", "a"]}, "risk_tags"),
        ({"risk_tags": [f"t{i}" for i in range(21)]}, "risk_tags"),
        ({"context": []}, "context"),
        ({"context": {"prompt": 1}}, "context.prompt"),
        ({"context": {"conversation": {}}}, "context.conversation"),
        ({"context": {"conversation": ["hi"]}}, "context.conversation[0]"),
        (
            {"context": {"conversation": [{"role": "bot", "content": "x"}]}},
            "context.conversation[0].role",
        ),
        ({"context": {"conversation": [{"role": "user"}]}}, "context.conversation[0].content"),
        ({"context": {"prompt": "a\x00"}}, "context.prompt"),
        (
            {"context": {"conversation": [{"role": "user", "content": "\x00"}]}},
            "context.conversation[0].content",
        ),
        ({"context": {"notes": "\udfff"}}, "context.notes"),
        ({"metadata": {"model": ["\ud800"]}}, "metadata.model[0]"),
        ({"metadata": "gpt"}, "metadata"),
        ({"metadata": {"deep": json.loads("[" * 20 + "]" * 20)}}, "metadata.deep" + "[0]" * 15),
        ({"surprise": 1}, "surprise"),
    ],
)
def test_each_bad_field_is_named(change: dict, field: str) -> None:
    payload = {**GOOD, **{k: v for k, v in change.items() if v is not None}}
    for key, value in change.items():
        if value is None:
            payload.pop(key)
    assert field in fields_of(payload)


def test_all_bad_fields_are_reported_at_once() -> None:
    assert fields_of({"title": 1, "risk_tags": "x"}) >= {
        "external_id",
        "title",
        "content",
        "risk_tags",
    }


@pytest.mark.parametrize("payload", [[], "text", 3, None])
def test_body_must_be_an_object(payload: object) -> None:
    assert fields_of(payload) == {"(body)"}


@pytest.mark.parametrize(
    ("body", "message"),
    [
        (b"\xff\xfe{}", "not UTF-8"),
        (b"{", "not JSON"),
        (b"", "not JSON"),
        (b'{"a": NaN}', "NaN is not valid JSON"),
        (b'{"a": Infinity}', "Infinity is not valid JSON"),
        (b"[" * 100_000 + b"]" * 100_000, "nested too deeply"),
    ],
)
def test_bad_json_is_explained(body: bytes, message: str) -> None:
    with pytest.raises(BadJSON, match=message):
        parse_json(body)


@pytest.mark.parametrize(
    ("number", "field", "message"),
    [
        ("1e400", "metadata.a", "must be a finite number (out of range)"),
        ("-1e400", "context.a", "must be a finite number (out of range)"),
        ("1" * 4301, "metadata.a", "must have at most 4300 digits"),
        ("-" + "1" * 4301, "context.a", "must have at most 4300 digits"),
    ],
)
def test_numbers_beyond_what_columns_hold_are_named(number: str, field: str, message: str) -> None:
    where, key = field.split(".")
    body = json.dumps({**GOOD, where: {key: "@"}}).replace('"@"', number)
    with pytest.raises(ValidationFailed) as err:
        parse_submission(parse_json(body.encode()))
    assert err.value.errors == [{"field": field, "message": message}]


@pytest.mark.parametrize(
    ("body", "field"),
    [
        (b"NaN", "(body)"),
        (b'{"a": [1, {"b": -Infinity}]}', "a[1].b"),
        (b'{"metadata": {"score": NaN}}', "metadata.score"),
    ],
)
def test_nan_and_infinity_name_where_they_are(body: bytes, field: str) -> None:
    with pytest.raises(BadJSON) as err:
        parse_json(body)
    assert err.value.field == field


def test_nul_is_kept_in_free_form_json() -> None:
    sub = parse_submission({**GOOD, "metadata": {"k\x00": "v\x00"}, "context": {"n": "\x00"}})
    assert sub.metadata == {"k\x00": "v\x00"}
