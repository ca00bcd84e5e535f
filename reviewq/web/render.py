"""Showing untrusted AI content safely (markdown rendered then sanitized, diffs escaped),
and the small helpers every template may use (times, inline SVG charts)."""

from __future__ import annotations

import difflib
import json
from collections.abc import Sequence
from datetime import datetime
from typing import Any

import nh3
from flask import Flask
from markdown_it import MarkdownIt
from markdown_it.token import Token
from markdown_it.utils import EnvType, OptionsDict
from markupsafe import Markup, escape

# Raw HTML in the markdown is shown as text ("html": False); nh3 then removes anything the
# renderer could still produce that is unsafe, keeping links inert-ish. Images are never
# shown: a draft must not make the reviewer's browser fetch anything (a tracking pixel
# tells its sender who read the draft, and when), whatever the Content-Security-Policy
# allows, so an image is rendered as a note of its text and address instead.
_markdown = MarkdownIt("commonmark", {"html": False, "linkify": False}).enable("table")


def _image_as_text(
    renderer: Any, tokens: Sequence[Token], idx: int, options: OptionsDict, env: EnvType
) -> str:
    image = tokens[idx]
    alt = renderer.renderInlineAsText(image.children or [], options, env)
    return str(Markup("<em>[image: {}, {}]</em>").format(alt, image.attrGet("src") or ""))


_markdown.add_render_rule("image", _image_as_text)
_TAGS = {
    "p",
    "br",
    "hr",
    "h1",
    "h2",
    "h3",
    "h4",
    "h5",
    "h6",
    "strong",
    "em",
    "code",
    "pre",
    "blockquote",
    "ul",
    "ol",
    "li",
    "a",
    "table",
    "thead",
    "tbody",
    "tr",
    "th",
    "td",
}
_ATTRIBUTES = {"a": {"href", "title"}, "ol": {"start"}}


def markdown(text: str) -> Markup:
    """Render markdown from an AI draft to sanitized HTML."""
    html = _markdown.render(text)
    clean = nh3.clean(
        html,
        tags=_TAGS,
        attributes=_ATTRIBUTES,
        url_schemes={"http", "https", "mailto"},
        link_rel="noopener noreferrer nofollow",
    )
    return Markup(clean)


def content_html(text: str, content_type: str) -> Markup:
    """A draft's body as HTML: markdown rendered and sanitized, anything else escaped."""
    if content_type == "text/markdown":
        return markdown(text)
    return Markup('<pre class="plain">') + escape(text) + Markup("</pre>")


def diff_html(before: str, after: str) -> Markup:
    """A line diff of an edit, every line escaped.

    Lines only: ``difflib.ndiff``'s character hints inside changed lines cost time quadratic
    in the changed block (a minute for a rewritten 20 KB draft) and were never shown.
    """
    a, b = before.splitlines(), after.splitlines()
    rows = []
    for tag, i1, i2, j1, j2 in difflib.SequenceMatcher(None, a, b).get_opcodes():
        if tag == "equal":
            rows += [("same", "  ", line) for line in a[i1:i2]]
            continue
        rows += [("del", "- ", line) for line in a[i1:i2]]
        rows += [("ins", "+ ", line) for line in b[j1:j2]]
    html = Markup("").join(
        Markup('<div class="diff-{}">{}{}</div>').format(kind, tag, body or " ")
        for kind, tag, body in rows
    )
    return Markup('<div class="diff">') + html + Markup("</div>")


def pretty_json(value: Any) -> str:
    """Metadata and other free-form JSON, indented for reading (escaped by the template)."""
    return json.dumps(value, indent=2, ensure_ascii=False, sort_keys=True)


DATE_AFTER_DAYS = 30  # further away than this, a time reads as its date


def relative(when: datetime, now: datetime, bare: bool = False) -> str:
    """How far ``when`` is from ``now``, on one scale for every page: 'just now', '12 min
    ago', 'in 1 h 5 min', '14 h ago', '6 days ago', then the date ('on 3 Nov 2026').

    Args:
        when: the time to describe.
        now: the time it is.
        bare: the span alone ('6 days', '12 min'; never a date), for labels such as
            "Overdue by" and "Waiting".
    """
    seconds = round((when - now).total_seconds())
    span = abs(seconds)
    if span < 60:
        if bare:
            return "under a minute"
        return "just now" if seconds <= 0 else "in under a minute"
    minutes, days = span // 60, span // 86400
    if days > DATE_AFTER_DAYS and not bare:
        return f"on {when.day} {when.strftime('%b %Y')}"
    if days >= 1:
        text = f"{days} day{'s' if days != 1 else ''}"
    elif minutes >= 600:
        text = f"{minutes // 60} h"
    elif minutes >= 60:
        text = f"{minutes // 60} h {minutes % 60} min" if minutes % 60 else f"{minutes // 60} h"
    else:
        text = f"{minutes} min"
    if bare:
        return text
    return f"in {text}" if seconds >= 0 else f"{text} ago"


def sparkline(values: list[float], width: int = 120, height: int = 28) -> Markup:
    """An inline SVG of dwell / reading floor; the dashed line is the floor (ratio 1)."""
    if not values:
        return Markup("")
    top = max(3.0, max(values))
    step = width / max(1, len(values) - 1)
    points = " ".join(
        f"{i * step:.1f},{height - min(v, top) / top * height:.1f}" for i, v in enumerate(values)
    )
    floor_y = height - 1 / top * height
    return Markup(
        '<svg class="spark" width="{w}" height="{h}" viewBox="0 0 {w} {h}" role="img" '
        'aria-label="dwell against the reading floor, last {n} decisions">'
        '<line x1="0" x2="{w}" y1="{f:.1f}" y2="{f:.1f}" stroke="#b42318" stroke-dasharray="3 3"/>'
        '<polyline fill="none" stroke="#2457c5" stroke-width="1.5" points="{p}"/></svg>'
    ).format(w=width, h=height, n=len(values), f=floor_y, p=points)


def index_bar(value: float | None, top: float, width: int = 10, height: int = 22) -> Markup:
    """A small inline SVG bar of one week's symbolic oversight index (the row of them reads
    as a column chart; ``top`` is the row's largest value). Nothing for a week without
    decisions."""
    if value is None:
        return Markup("")
    h = max(1.0, min(value / max(top, 0.1), 1.0) * height)
    return Markup(
        '<svg class="bar" width="{w}" height="{h}" viewBox="0 0 {w} {h}" aria-hidden="true">'
        '<rect x="0" y="{y:.1f}" width="{w}" height="{bh:.1f}"/></svg>'
    ).format(w=width, h=height, y=height - h, bh=h)


def register(app: Flask) -> None:
    """Make the page helpers available to every template (called by ``create_app``)."""
    app.add_template_global(relative, "relative")
    app.add_template_global(sparkline, "sparkline")
    app.add_template_global(index_bar, "index_bar")
