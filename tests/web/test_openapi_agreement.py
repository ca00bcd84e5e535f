"""The OpenAPI document and the intake validation agree on what a title or content may be,
so schemathesis (which draws strings the document's patterns allow) cannot flake on them."""

from __future__ import annotations

import jsonschema_rs
import pytest

from reviewq.domain.errors import ValidationFailed
from reviewq.domain.intake import parse_submission
from reviewq.web.openapi import openapi_document

pytestmark = pytest.mark.domain_only
SUBMISSION = openapi_document()["components"]["schemas"]["Submission"]["properties"]


def accepted(field: str, value: str) -> bool:
    """Whether the intake takes ``value`` for ``field`` (other fields valid)."""
    try:
        parse_submission({"external_id": "d-1", "title": "T", "content": "C", field: value})
    except ValidationFailed as exc:
        return field not in {e["field"] for e in exc.errors}
    return True


@pytest.mark.parametrize("field", ["title", "content"])
def test_every_single_character_is_judged_alike(field: str) -> None:
    """One character alone: blank (whitespace, control characters, BOM) for both, or text
    for both. Before, a title of one U+001F passed the document and got a 422."""
    allows = jsonschema_rs.validator_for(SUBMISSION[field]).is_valid
    characters = (chr(c) for c in range(0x10000) if not 0xD800 <= c <= 0xDFFF)
    disagree = [hex(ord(c)) for c in characters if allows(c) != accepted(field, c)]
    assert disagree == []


@pytest.mark.parametrize(
    "value",
    ["\x1f", "\x1f\x1e ", " \t\n", "\u3000\ufeff", "\x85\xa0", "a\x00", "\x00", "x\x1f", "\u200b"],
)
def test_mixed_values_are_judged_alike(value: str) -> None:
    allows = jsonschema_rs.validator_for(SUBMISSION["title"]).is_valid
    assert allows(value) == accepted("title", value)
