"""Every page (tests/e2e/pages.py lists them) at 1366, 390 and 320 px: no sideways page
scroll (WCAG 1.4.10 reflow), the skip link first, and zero axe-core violations of any
impact.

axe-core is vendored under tests/e2e/vendor/axe-core/ (see its README) and injected by the
browser itself (an init script, which the page's Content-Security-Policy does not apply to);
the app never serves it. Set ``REVIEWQ_SCREENSHOTS=<folder>`` to keep a screenshot of every
page at every width for a person to look at.
"""

from __future__ import annotations

import os
import re
from pathlib import Path

from tests.e2e.conftest import TIMEOUT_MS
from tests.e2e.helpers import assert_clean, watch
from tests.e2e.pages import PAGES, PEOPLE, build_world

AXE = Path(__file__).parent / "vendor" / "axe-core" / "axe.min.js"
WIDTHS = [(1366, 768), (390, 844), (320, 800)]

# Every rule axe runs by default, every impact (minor included); the results are the
# violations only, with where they are.
RUN_AXE = """async () => {
  const result = await axe.run(document, {resultTypes: ["violations"]});
  return result.violations.map(v => `${v.id} (${v.impact}): ${v.help} at ` +
    v.nodes.slice(0, 3).map(n => n.target.join(" ")).join(", "));
}"""
OVERFLOW = """() => {
  const width = window.innerWidth;
  const page = document.documentElement.scrollWidth;
  if (page <= width) return null;
  const wide = [...document.querySelectorAll("body *")]
    .filter(e => e.getBoundingClientRect().right > width + 1)
    .filter(e => !e.parentElement.closest(".table-scroll"))
    .slice(0, 3).map(e => e.tagName.toLowerCase() + "." + e.className);
  return `page ${page} px wide (${wide.join(", ")})`;
}"""
FIRST_FOCUSABLE = """() => document.querySelector(
  "a[href], button, input:not([type=hidden]), select, textarea, [tabindex]").textContent.trim()"""


def test_every_page_reflows_at_320_px_and_has_no_axe_violation(app, browser, live_server) -> None:
    world = build_world(app)
    shots = os.environ.get("REVIEWQ_SCREENSHOTS")
    problems: list[str] = []
    for role in ["anon", *PEOPLE]:
        context = browser.new_context(viewport={"width": 1366, "height": 768}, base_url=live_server)
        context.set_default_timeout(TIMEOUT_MS)
        context.add_init_script(path=str(AXE))
        page = watch(context.new_page())
        if role != "anon":
            person = PEOPLE[role]
            page.goto("/login")
            page.get_by_label("Email").fill(person.email)
            page.get_by_label("Password").fill(person.password)
            page.get_by_role("button", name="Sign in", exact=True).click()
            page.wait_for_url(lambda url: "/login" not in url)
        for visit in (v for v in PAGES if v.role == role):
            page.set_viewport_size({"width": 1366, "height": 768})
            response = page.goto(visit.path.format(**world))
            assert response is not None
            if response.status != visit.status:
                problems.append(f"{visit.name}: answered {response.status}")
                continue
            if visit.status >= 400:  # the browser logs the error status it was meant to get
                page.console_errors = [e for e in page.console_errors if response.url not in e]
            if visit.then:
                visit.then(page)
            if page.evaluate(FIRST_FOCUSABLE) != "Skip to content":
                problems.append(f"{visit.name}: the skip link is not the first focusable element")
            for width, height in WIDTHS:
                page.set_viewport_size({"width": width, "height": height})
                overflow = page.evaluate(OVERFLOW)
                if overflow:
                    problems.append(f"{visit.name} at {width} px: {overflow}")
                problems += [f"{visit.name} at {width} px: {v}" for v in page.evaluate(RUN_AXE)]
                if shots:
                    name = re.sub(r"[^a-z0-9]+", "-", visit.name.lower()).strip("-")
                    page.screenshot(path=str(Path(shots) / f"{name}-{width}.png"))
        assert_clean(page)
        context.close()
    assert problems == [], "\n".join(problems)
