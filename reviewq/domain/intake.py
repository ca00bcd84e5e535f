"""The shape of a submitted draft, and the field rules that go with it (DESIGN section 4)."""

from __future__ import annotations

import json
import math
import re
from dataclasses import dataclass, field
from typing import Any

from .errors import ValidationFailed
from .policy import TAG_PATTERN

EXTERNAL_ID = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._:/#@+=-]{0,199}$")
CONTENT_TYPES = ("text/plain", "text/markdown")
MAX_TAGS = 20
MAX_TITLE = 300
MAX_CONTENT = 200_000
MAX_DEPTH = 16
ROLES = ("system", "user", "assistant", "tool")
UNICODE_PROBLEM = "must be valid Unicode (no lone surrogates)"
# What "blank" means, written so that Python's re and ECMA-262 (the OpenAPI document's
# patterns) read it alike: whitespace (Python's str.isspace and ECMA's \s), control
# characters (C0, DEL, C1) and the byte-order mark. A title or content needs one other.
BLANK_CHARS = r"\u0000-\u0020\u007f-\u00a0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000\ufeff"
VISIBLE = re.compile(f"[^{BLANK_CHARS}]")
# Python refuses to convert longer digit strings (sys.get_int_max_str_digits), so a number
# past this is reported as a field problem instead of crashing the parser.
MAX_INT_DIGITS = 4300
FIELDS = ("external_id", "title", "content", "content_type", "risk_tags", "context", "metadata")


class BadJSON(ValueError):
    """The body is not a JSON document we accept (syntax, NaN, nesting, encoding).

    ``field`` names where in the document, when that is known (a NaN literal's field).
    """

    def __init__(self, message: str, field: str | None = None):
        super().__init__(message)
        self.field = field


@dataclass(frozen=True)
class _NotJSON:
    """Where the parser met ``NaN``, ``Infinity`` or ``-Infinity`` (found, then refused)."""

    literal: str


@dataclass(frozen=True)
class TooManyDigits:
    """An integer written with more than ``MAX_INT_DIGITS`` digits (kept unconverted, so the
    field can be named; ``parse_submission`` refuses it)."""

    text: str


def _int(text: str) -> int | TooManyDigits:
    return TooManyDigits(text) if len(text.lstrip("-")) > MAX_INT_DIGITS else int(text)


def _find(value: Any, path: str, wanted: type) -> str | None:
    """The path of the first value of type ``wanted`` in a decoded document."""
    if isinstance(value, wanted):
        return path
    children: Any = ()
    if isinstance(value, dict):
        children = ((f"{path}.{k}" if path else k, v) for k, v in value.items())
    elif isinstance(value, list):
        children = ((f"{path}[{i}]", v) for i, v in enumerate(value))
    for where, child in children:
        if (found := _find(child, where, wanted)) is not None:
            return found
    return None


def parse_json(body: bytes) -> Any:
    """Decode a request body as strict JSON.

    Numbers JSON allows but Python cannot hold are left for ``parse_submission`` to name:
    ``1e400`` decodes to an infinite float, an integer past ``MAX_INT_DIGITS`` digits to
    ``TooManyDigits``.

    Raises:
        BadJSON: not UTF-8, not JSON, NaN/Infinity (with the field they are in), or nested
            past what we keep.
    """
    try:
        text = body.decode("utf-8")
    except UnicodeDecodeError:
        raise BadJSON("body is not UTF-8") from None
    literals: list[str] = []

    def constant(name: str) -> _NotJSON:
        literals.append(name)
        return _NotJSON(name)

    try:
        document = json.loads(text, parse_constant=constant, parse_int=_int)
        where = _find(document, "", _NotJSON) if literals else None
    except RecursionError:
        raise BadJSON("body is nested too deeply") from None
    except json.JSONDecodeError as exc:
        raise BadJSON(
            f"body is not JSON: {exc.msg} at line {exc.lineno} column {exc.colno}"
        ) from None
    if literals:
        field = where or "(body)"
        raise BadJSON(f"{literals[0]} is not valid JSON (in {field})", field=field)
    return document


@dataclass(frozen=True)
class Submission:
    """A validated draft, ready to be stored."""

    external_id: str
    title: str
    content: str
    content_type: str = "text/plain"
    risk_tags: list[str] = field(default_factory=list)
    context: dict[str, Any] = field(default_factory=dict)
    metadata: dict[str, Any] = field(default_factory=dict)


def _encodable(value: str) -> bool:
    try:
        value.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True


def text_problem(value: str) -> str | None:
    """What makes a text column value unstorable (PostgreSQL text refuses NUL)."""
    if "\x00" in value:
        return "must not contain NUL characters"
    return None if _encodable(value) else UNICODE_PROBLEM


def _check_tree(value: Any, path: str, depth: int, errors: list[dict[str, str]]) -> None:
    """Free-form JSON (context, metadata): bounded depth, strings that can be stored and
    shown (valid Unicode), and numbers every JSON column holds (PostgreSQL refuses
    infinities). NUL is allowed here: JSON columns keep it escaped."""
    if depth > MAX_DEPTH:
        errors.append({"field": path, "message": f"nested deeper than {MAX_DEPTH} levels"})
        return
    if isinstance(value, str):
        if not _encodable(value):
            errors.append({"field": path, "message": UNICODE_PROBLEM})
    elif isinstance(value, float) and not math.isfinite(value):
        errors.append({"field": path, "message": "must be a finite number (out of range)"})
    elif isinstance(value, TooManyDigits):
        errors.append({"field": path, "message": f"must have at most {MAX_INT_DIGITS} digits"})
    elif isinstance(value, dict):
        for key, child in value.items():
            if not _encodable(key):
                errors.append({"field": path, "message": f"key {UNICODE_PROBLEM}"})
            _check_tree(child, f"{path}.{key}", depth + 1, errors)
    elif isinstance(value, list):
        for i, child in enumerate(value):
            _check_tree(child, f"{path}[{i}]", depth + 1, errors)


def _text(payload: dict[str, Any], name: str, max_len: int, errors: list[dict[str, str]]) -> str:
    value = payload.get(name)
    if value is None:
        errors.append({"field": name, "message": "is required"})
        return ""
    if not isinstance(value, str):
        errors.append({"field": name, "message": "must be a string"})
        return ""
    if not VISIBLE.search(value):
        errors.append(
            {"field": name, "message": "must not be blank (only spaces or control characters)"}
        )
    elif len(value) > max_len:
        errors.append({"field": name, "message": f"must be at most {max_len} characters"})
    elif problem := text_problem(value):
        errors.append({"field": name, "message": problem})
    return value


def _tags(payload: dict[str, Any], errors: list[dict[str, str]]) -> list[str]:
    tags = payload.get("risk_tags", [])
    if not isinstance(tags, list):
        errors.append({"field": "risk_tags", "message": "must be a list of strings"})
        return []
    if len(tags) > MAX_TAGS:
        errors.append({"field": "risk_tags", "message": f"at most {MAX_TAGS} tags"})
    for i, tag in enumerate(tags):
        if not isinstance(tag, str) or not TAG_PATTERN.fullmatch(tag):
            errors.append(
                {
                    "field": f"risk_tags[{i}]",
                    "message": "must be lowercase letters, digits and . _ : - (max 63)",
                }
            )
    if len({t for t in tags if isinstance(t, str)}) != len(tags):
        errors.append({"field": "risk_tags", "message": "must not repeat a tag"})
    return tags


def _context(payload: dict[str, Any], errors: list[dict[str, str]]) -> dict[str, Any]:
    context = payload.get("context", {})
    if not isinstance(context, dict):
        errors.append({"field": "context", "message": "must be an object"})
        return {}
    prompt = context.get("prompt", "")
    if not isinstance(prompt, str):
        errors.append({"field": "context.prompt", "message": "must be a string"})
    elif problem := text_problem(prompt):
        errors.append({"field": "context.prompt", "message": problem})
    conversation = context.get("conversation", [])
    if not isinstance(conversation, list):
        errors.append({"field": "context.conversation", "message": "must be a list of turns"})
    else:
        for i, turn in enumerate(conversation):
            where = f"context.conversation[{i}]"
            if not isinstance(turn, dict):
                errors.append({"field": where, "message": "must be an object"})
                continue
            if turn.get("role") not in ROLES:
                errors.append({"field": f"{where}.role", "message": f"must be one of {ROLES}"})
            content = turn.get("content")
            if not isinstance(content, str):
                errors.append({"field": f"{where}.content", "message": "must be a string"})
            elif problem := text_problem(content):
                errors.append({"field": f"{where}.content", "message": problem})
    _check_tree(context, "context", 1, errors)
    return context


def parse_submission(payload: Any) -> Submission:
    """Validate a decoded submission body.

    Args:
        payload: the decoded JSON body.

    Returns:
        The submission, with defaults filled in.

    Raises:
        ValidationFailed: with one entry per bad field.
    """
    if not isinstance(payload, dict):
        raise ValidationFailed([{"field": "(body)", "message": "must be a JSON object"}])
    errors: list[dict[str, str]] = [
        {"field": name, "message": "is not a known field"} for name in payload if name not in FIELDS
    ]
    external_id = payload.get("external_id")
    if external_id is None:
        errors.append({"field": "external_id", "message": "is required"})
    elif not isinstance(external_id, str) or not EXTERNAL_ID.fullmatch(external_id):
        errors.append(
            {
                "field": "external_id",
                "message": "must be 1-200 characters: letters, digits and . _ : / # @ + = -",
            }
        )
    title = _text(payload, "title", MAX_TITLE, errors)
    content = _text(payload, "content", MAX_CONTENT, errors)
    content_type = payload.get("content_type", "text/plain")
    if content_type not in CONTENT_TYPES:
        errors.append({"field": "content_type", "message": f"must be one of {CONTENT_TYPES}"})
    tags = _tags(payload, errors)
    context = _context(payload, errors)
    metadata = payload.get("metadata", {})
    if not isinstance(metadata, dict):
        errors.append({"field": "metadata", "message": "must be an object"})
    else:
        _check_tree(metadata, "metadata", 1, errors)
    if errors:
        raise ValidationFailed(errors)
    return Submission(
        external_id=str(external_id),  # checked above: a string of 1-200 characters
        title=title,
        content=content,
        content_type=content_type,
        risk_tags=tags,
        context=context,
        metadata=metadata,
    )
