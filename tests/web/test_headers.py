"""Response headers: HSTS in production, no caching of pages that show drafts or people."""

import os

import pytest

from reviewq.web import render
from tests.support.api import draft
from tests.support.audit import AUDIT_KEY
from tests.support.auth import signed_in


@pytest.fixture
def production_app(make_app, database_url):
    env = {
        "REVIEWQ_ENV": "production",
        "SECRET_KEY": "x" * 40,
        "REVIEWQ_SECRET_KEYS": "q" * 43 + "=",
        "REVIEWQ_AUDIT_KEY": AUDIT_KEY,
    }
    os.environ.update(env)
    try:
        return make_app(SQLALCHEMY_DATABASE_URI=database_url)
    finally:
        for name in env:
            del os.environ[name]


def test_production_answers_with_hsts(production_app) -> None:
    hsts = production_app.test_client().get("/login").headers["Strict-Transport-Security"]
    assert hsts.startswith("max-age=") and int(hsts.split("=")[1].split(";")[0]) >= 31536000
    assert "includeSubDomains" in hsts


def test_development_over_http_sends_no_hsts(client) -> None:
    assert "Strict-Transport-Security" not in client.get("/login").headers


def test_pages_with_drafts_or_people_are_never_stored(app, source) -> None:
    """The back button after sign-out must not show a draft from the browser's cache."""
    item = source.submit(draft()).get_json()["id"]
    rita = signed_in(app, "rita@example.com", "reviewer", 3)
    for path in ("/queue", f"/items/{item}", "/notifications", "/my-stats", "/"):
        assert rita.get(path).headers.get("Cache-Control") == "no-store", path
    api = source.get(f"/api/v1/items/{item}")
    assert api.status_code == 200 and api.headers.get("Cache-Control") == "no-store"


def test_static_files_stay_cacheable(client) -> None:
    resp = client.get("/static/reviewq.css")
    resp.close()
    assert resp.status_code == 200 and "no-store" not in resp.headers.get("Cache-Control", "")


@pytest.mark.parametrize(
    "markdown",
    [
        "![tracker](https://evil.example/pixel.png)",
        "![tracker](http://evil.example/pixel.png 'title')",
        "![tracker](//evil.example/pixel.png)",
        "![local](/static/favicon.svg)",
        "![inline](data:image/png;base64,iVBORw0KGgo=)",
        "[![nested](https://evil.example/p.png)](https://example.com)",
        "![ref][img]\n\n[img]: https://evil.example/p.png",
    ],
)
def test_the_sanitizer_drops_images_from_drafts(markdown: str) -> None:
    """A draft cannot make the reviewer's browser fetch anything, CSP or not; the reviewer
    still sees that the draft holds an image, and where it points."""
    html = str(render.markdown(markdown))
    assert "<img" not in html
    assert "image" in html and ("evil.example" in html or "evil" not in markdown)


def test_the_api_neither_reads_nor_renews_a_persons_session_cookie(app) -> None:
    """Pages renew a signed-in person's session cookie on every request; the API, which
    authenticates sources by signature or token, has no session at all."""
    client = signed_in(app, "rex@example.com", "reviewer")
    assert "Set-Cookie" in client.get("/queue").headers  # a page renews it
    api = client.get("/api/v1/openapi.json")
    assert api.status_code == 200
    assert "Set-Cookie" not in api.headers and "Cookie" not in api.headers.get("Vary", "")
