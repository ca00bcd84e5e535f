"""Browser tests: the real app served over HTTP to Debian's Chromium, driven by Playwright.

Playwright's own browser downloads are never used: the tests launch /usr/bin/chromium
(``apt install chromium``) and skip when it is missing.

Fixtures:
    live_server: the session's ``app`` served on a free 127.0.0.1 port; yields the base URL.
    browser: one headless Chromium for the session.
    page: a fresh browser context (own cookies) with a 1366x768 page whose ``console_errors``,
        ``page_errors``, ``dialogs`` and ``server_errors`` lists record what went wrong
        (dialogs are dismissed at once).
    make_user / sign_in: add a person to the database, and sign them in through the login page.
    screenshot: save the page to ``test-results/`` for a human to look at.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from flask import Flask
from werkzeug.serving import WSGIRequestHandler, make_server

from reviewq.domain.authority import Actor
from reviewq.extensions import db
from reviewq.services import users
from tests.e2e.helpers import Person, watch

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--no-first-run",
]
VIEWPORT = {"width": 1366, "height": 768}
RESULTS = Path(__file__).resolve().parents[2] / "test-results"
TIMEOUT_MS = 15_000


class _QuietHandler(WSGIRequestHandler):
    """Werkzeug's handler without the access log line per request (errors still logged)."""

    def log_request(self, code: int | str = "-", size: int | str = "-") -> None:
        pass


@pytest.fixture
def live_server(app: Flask) -> Iterator[str]:
    """The test app on a real socket, in a daemon thread; stopped after the test.

    Function-scoped so every test gets a server that has finished all its requests before
    the autouse ``_empty_tables`` fixture (torn down later) empties the database.
    """
    server = make_server("127.0.0.1", 0, app, threaded=True, request_handler=_QuietHandler)
    thread = threading.Thread(target=server.serve_forever, name="reviewq-live-server", daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_port}"
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=10)


@pytest.fixture(scope="session")
def browser():
    if not CHROMIUM.exists():
        pytest.skip("install Debian's chromium (apt install chromium) to run browser tests")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(
            executable_path=str(CHROMIUM), headless=True, args=CHROMIUM_ARGS
        )
        try:
            yield chromium
        finally:
            chromium.close()


@pytest.fixture
def page(browser, live_server: str):
    """A page in a fresh context (no cookies), with what went wrong recorded on it.

    Depends on ``live_server`` so the browser's connections close before the server stops.
    """
    context = browser.new_context(viewport=VIEWPORT, base_url=live_server)
    context.set_default_timeout(TIMEOUT_MS)
    new = watch(context.new_page())
    try:
        yield new
    finally:
        context.close()


@pytest.fixture
def make_user(app: Flask) -> Callable[..., Person]:
    """Create a user (committed) and return how to sign in as them."""

    def make(
        email: str,
        role: str = "reviewer",
        level: int = 1,
        name: str | None = None,
        password: str = "correct-horse-battery",
    ) -> Person:
        name = name or email.split("@")[0].title()
        with app.app_context():
            users.create_user(db.session, Actor.system("test"), email, name, role, level, password)
            db.session.commit()
        return Person(email, password, name)

    return make


@pytest.fixture
def sign_in() -> Callable[..., None]:
    """Sign in through the real login page, by its visible labels, and land on the start
    page of the person's role (the queue, escalations, Oversight or sources)."""

    def sign(page, person: Person) -> None:
        page.goto("/login")
        page.get_by_label("Email").fill(person.email)
        page.get_by_label("Password").fill(person.password)
        page.get_by_role("button", name="Sign in", exact=True).click()
        page.wait_for_url(lambda url: "/login" not in url)
        assert page.get_by_text(person.name, exact=False).first.is_visible()

    return sign


@pytest.fixture
def screenshot(request: pytest.FixtureRequest) -> Callable[..., Path]:
    """Save a viewport screenshot as ``test-results/<name>-<db>.png``."""
    database = request.config.getoption("--db")

    def shoot(page, name: str) -> Path:
        RESULTS.mkdir(exist_ok=True)
        path = RESULTS / f"{name}-{database}.png"
        page.screenshot(path=str(path))
        return path

    return shoot
