"""Hostile AI output stays inert in the real browser.

Every string of the Big List of Naughty Strings (tests/data/blns.json, MIT licence in
tests/data/blns.LICENSE.txt) is submitted through the signed API as a draft's title, markdown
content, context prompt, conversation turn, document and metadata. A supervisor then opens
every item page in Chromium: no dialog, no console or page error, no element or handler the
content injected, and the plain-text fields show exactly what was sent.

To keep the run short, strings are packed into drafts: up to 25 per draft, one conversation
turn and one document each, and as many per title as fit in the title's 300 characters.
"""

from __future__ import annotations

import json
from pathlib import Path

from playwright.sync_api import expect

from reviewq.extensions import db
from tests.support.api import draft

BLNS = Path(__file__).resolve().parents[1] / "data" / "blns.json"
PER_DRAFT = 25
MAX_TITLE = 300
TITLE_SEPARATOR = " ¦ "
ROLES = ("user", "assistant")

# What a draft may never turn into on the page (the .content checks are the brief's list;
# the page-wide ones catch injection outside the rendered markdown too).
INJECTED = (
    ".content script, .content iframe, .content img[onerror], .content [onload], "
    ".content [onclick], .content object, .content embed, .content svg, "
    "main script, main iframe, main frame, main object, main embed, main svg, main math, "
    "main video, main audio, main base, main meta, main link, main style, main [style], "
    "main [srcdoc], main [formaction]"
)
# One round trip per page: everything the test needs to know about it.
INSPECT = """() => {
  const text = (sel) => Array.from(document.querySelectorAll(sel), (e) => e.textContent);
  const handlers = [];
  for (const el of document.querySelectorAll("*")) {
    for (const attr of el.attributes) {
      if (attr.name.toLowerCase().startsWith("on")) handlers.push(`${el.tagName}[${attr.name}]`);
    }
  }
  const links = Array.from(document.querySelectorAll(".content a[href], .content img[src]"),
    (e) => new URL(e.href || e.src, document.baseURI).protocol);
  return {
    pwned: window.__pwned !== undefined,
    scripts: Array.from(document.scripts, (s) => s.getAttribute("src")),
    handlers: handlers,
    badLinks: links.filter((p) => !["http:", "https:", "mailto:"].includes(p)),
    title: document.querySelector("h1") ? document.querySelector("h1").textContent : null,
    prompt: text(".context h3 + pre.plain")[0],
    turns: text(".turns .turn pre"),
    documents: text(".context .doc pre"),
    docTitles: text(".context .doc .doc-title"),
    metadata: text("#meta-h ~ pre")[0],
  };
}"""


def refused(text: str) -> bool:
    """Strings the API must refuse as a title or content (blank, NUL, lone surrogates)."""
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return True
    return not text.strip() or "\x00" in text


def as_parsed(text: str) -> str:
    """``text`` as the HTML parser keeps it: CR and CRLF become LF."""
    return text.replace("\r\n", "\n").replace("\r", "\n")


def shown(text: str) -> str:
    """``text`` as a <pre> holds it: a newline right after the opening tag is dropped."""
    text = as_parsed(text)
    return text[1:] if text.startswith("\n") else text


def pack(strings: list[str]) -> list[list[str]]:
    """Groups of at most PER_DRAFT strings whose labelled title fits in MAX_TITLE."""
    groups: list[list[str]] = [[]]
    for text in strings:
        group = groups[-1]
        title = label(len(groups)) + TITLE_SEPARATOR.join([*group, text])
        if group and (len(group) == PER_DRAFT or len(title) > MAX_TITLE):
            groups.append([])
        groups[-1].append(text)
    return groups


def label(number: int) -> str:
    return f"blns {number:03d}: "


def naughty_draft(number: int, strings: list[str], extra_meta: list[str]) -> dict:
    marker = f"blns pack {number:03d}"
    return draft(
        external_id=f"blns-{number:03d}",
        title=label(number) + TITLE_SEPARATOR.join(strings),
        content_type="text/markdown",
        content=marker + "\n\n" + "\n\n".join(strings),
        risk_tags=[],
        context={
            "prompt": "\n\n".join(strings),
            "conversation": [
                {"role": ROLES[i % 2], "content": text} for i, text in enumerate(strings)
            ],
            "documents": [{"title": text, "excerpt": text} for text in strings],
        },
        metadata={"pack": number, "strings": strings, "refused_elsewhere": extra_meta},
    )


def test_naughty_strings_are_inert_on_every_page(
    make_source, make_user, sign_in, page, screenshot
) -> None:
    strings = json.loads(BLNS.read_text(encoding="utf-8"))
    assert len(strings) > 500
    source = make_source("naughty-bot")

    # Strings the API must refuse: alone in every field, each gets a 422 naming the fields.
    rejects = [text for text in strings if refused(text)]
    for i, text in enumerate(rejects):
        resp = source.submit(
            draft(
                external_id=f"refused-{i}",
                title=text,
                content=text,
                context={"prompt": text, "conversation": [{"role": "user", "content": text}]},
                metadata={"text": text},
            )
        )
        assert resp.status_code == 422, (repr(text), resp.status_code, resp.get_data(as_text=True))
        fields = {error["field"] for error in resp.get_json()["errors"]}
        assert {"title", "content"} <= fields, (repr(text), fields)

    # Everything else, packed: every string is in some draft's title, content, prompt,
    # conversation, documents and metadata. The refused ones still ride along in metadata.
    accepted = [text for text in strings if not refused(text)]
    groups = list(enumerate(pack(accepted), start=1))
    assert sum(len(group) for _, group in groups) == len(accepted)
    # The pack with the classic <script> payloads goes in first: Review next claims it below,
    # so it is also seen in the claim holder's editor (a <textarea>) and decision form.
    scripted = next(n for n, group in groups if "<script>alert(123)</script>" in group)
    groups.sort(key=lambda pair: pair[0] != scripted)
    items: dict[int, tuple[int, list[str], dict]] = {}
    for number, group in groups:
        body = naughty_draft(number, group, rejects if number == scripted else [])
        resp = source.submit(body)
        assert resp.status_code == 201, (number, resp.status_code, resp.get_data(as_text=True))
        items[resp.get_json()["id"]] = (number, group, body)
    print(
        f"\n{len(strings)} naughty strings: {len(accepted)} in {len(groups)} drafts, "
        f"{len(rejects)} refused with 422: {rejects!r}"
    )
    db.session.remove()  # hold no transaction (SQLite: no write lock) while the server works

    sign_in(page, make_user("sofia@example.com", "supervisor", 9, name="Sofia Supervisor"))
    page.goto("/queue")  # a supervisor starts on escalations
    first_title = next(iter(items.values()))[2]["title"]
    expect(page.get_by_role("cell", name=first_title, exact=True)).to_be_visible()
    problems = inspect(page, "queue", expect_item=None)
    screenshot(page, "inert-queue")  # after inspect(): the screenshot leaves style="" behind

    for item_id, (number, group, body) in items.items():
        resp = page.goto(f"/items/{item_id}")
        assert resp is not None and resp.status == 200, (number, resp and resp.status)
        problems += inspect(page, f"pack {number:03d}", expect_item=(number, group, body))
        if number == scripted:
            screenshot(page, "inert-item")

    # As the claim holder: the same page with the decision form and the editor filled in.
    claimed = next(iter(items))
    page.goto("/queue")
    page.keyboard.press("n")
    page.wait_for_url(f"**/items/{claimed}")
    expect(page.get_by_role("button", name="Approve")).to_be_visible()
    page.keyboard.press("e")
    expect(page.get_by_label("Edited text")).to_have_value(as_parsed(items[claimed][2]["content"]))
    problems += inspect(page, f"pack {scripted:03d} (claimed)", expect_item=items[claimed])
    assert problems == [], "\n".join(problems)


def inspect(page, where: str, expect_item: tuple[int, list[str], dict] | None) -> list[str]:
    """What is wrong with the page now (an empty list when nothing is)."""
    found: list[str] = []
    facts = page.evaluate(INSPECT)
    if page.locator(INJECTED).count():
        injected = page.locator(INJECTED).evaluate_all("els => els.map(e => e.outerHTML)")
        found.append(f"{where}: injected elements: {[html[:300] for html in injected]}")
    if facts["pwned"]:
        found.append(f"{where}: window.__pwned was set")
    if facts["scripts"] != ["/static/reviewq.js"]:
        found.append(f"{where}: scripts on the page: {facts['scripts']}")
    if facts["handlers"]:
        found.append(f"{where}: event handler attributes: {facts['handlers']}")
    if facts["badLinks"]:
        found.append(f"{where}: links or images with schemes {facts['badLinks']}")
    for kind in ("console_errors", "page_errors", "dialogs", "server_errors"):
        seen = getattr(page, kind)
        if seen:
            found.append(f"{where}: {kind}: {seen}")
            seen.clear()
    if expect_item is None:
        return found

    number, group, body = expect_item
    marker = f"blns pack {number:03d}"
    if not page.locator(".content").get_by_text(marker, exact=True).is_visible():
        found.append(f"{where}: the marker paragraph {marker!r} is not visible")
    if facts["title"] != as_parsed(body["title"]):
        found.append(f"{where}: the heading is {facts['title']!r}, not the title sent")
    if facts["prompt"] != shown(body["context"]["prompt"]):
        found.append(f"{where}: the prompt is not shown as sent")
    wanted = [shown(text) for text in group]
    for kind in ("turns", "documents"):
        for text, got in zip(wanted, facts[kind], strict=False):
            if got != text:
                found.append(f"{where}: {kind[:-1]} {text!r} shown as {got!r}")
        if len(facts[kind]) != len(group):
            found.append(f"{where}: {len(facts[kind])} {kind} shown, {len(group)} sent")
    if facts["docTitles"] != [as_parsed(text) for text in group]:
        found.append(f"{where}: document titles differ from what was sent")
    try:
        metadata = json.loads(facts["metadata"] or "")
    except ValueError:
        metadata = None
    if metadata != body["metadata"]:
        found.append(f"{where}: the metadata is not shown as sent")
    return found


def test_the_pack_titles_fit_and_cover_every_string() -> None:
    strings = [s for s in json.loads(BLNS.read_text(encoding="utf-8")) if not refused(s)]
    groups = pack(strings)
    assert [s for group in groups for s in group] == strings
    for number, group in enumerate(groups, start=1):
        assert 0 < len(group) <= PER_DRAFT
        assert len(label(number) + TITLE_SEPARATOR.join(group)) <= MAX_TITLE
