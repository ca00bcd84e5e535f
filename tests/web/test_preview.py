"""The editor's live preview: the text rendered as the item page renders drafts."""

from __future__ import annotations

from tests.support.auth import csrf, signed_in


def preview(client, content: str, content_type: str = "text/markdown", token: str | None = None):
    token = csrf(client, "/queue") if token is None else token
    return client.post(
        "/preview",
        data={"content": content, "content_type": content_type},
        headers={"X-CSRFToken": token},
    )


def test_preview_renders_markdown_and_keeps_html_inert(app) -> None:
    reviewer = signed_in(app, "rev@example.com", "reviewer")
    answer = preview(
        reviewer, "**Refund** sent\n\n<script>alert(1)</script>\n\n![x](http://t/p.gif)"
    )
    assert answer.status_code == 200 and answer.mimetype == "application/json"
    html = answer.get_json()["html"]
    assert "<strong>Refund</strong>" in html
    assert "<script>" not in html and "&lt;script&gt;" in html
    assert "<img" not in html and "[image: x, http://t/p.gif]" in html  # as on the item page
    plain = preview(reviewer, "**not bold** <b>", "text/plain").get_json()["html"]
    assert plain == '<pre class="plain">**not bold** &lt;b&gt;</pre>'


def test_preview_refuses_bad_input_with_a_400(app) -> None:
    reviewer = signed_in(app, "rev@example.com", "reviewer")
    assert preview(reviewer, "x", "text/html").status_code == 400
    assert preview(reviewer, "x" * 300_000).status_code == 400
    assert preview(reviewer, "nul \x00 byte").status_code == 400
    assert preview(reviewer, "x", token="").status_code == 400  # no CSRF token


def test_preview_is_for_people_who_decide(app, client) -> None:
    assert preview(client, "x", token=csrf(client, "/login")).status_code == 302  # sign in
    manager = signed_in(app, "max@example.com", "manager")
    assert preview(manager, "x").status_code == 403
