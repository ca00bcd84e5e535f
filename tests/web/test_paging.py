"""Long lists a page at a time: the pager's links, the counts above them, and page numbers
nobody should send (a 400, never a 500 or a silently different page)."""

import re

import pytest

from reviewq.domain.authority import Actor
from reviewq.domain.policy import Rule
from reviewq.extensions import db
from reviewq.services import policy
from reviewq.services.paging import PER_PAGE
from tests.support.api import draft
from tests.support.auth import signed_in

# every paged list, and a role that may open it
PAGED = {
    "/escalations": "supervisor",
    "/notifications": "reviewer",
    "/admin/deliveries": "admin",
    "/canaries": "supervisor",
    "/qa": "supervisor",
    "/sources": "manager",
}
HOSTILE = ["-1", "0", "abc", "1e3", "2.0", "", " 1", "\uff11", "10001", "9" * 40, "0x10"]


@pytest.mark.parametrize("path", PAGED)
def test_a_page_number_nobody_sends_is_a_400(app, path) -> None:
    person = signed_in(app, "pat@example.com", PAGED[path])
    assert person.get(path).status_code == 200
    assert person.get(f"{path}?page=1").status_code == 200
    # past the end: an empty page that links back, not an error
    assert person.get(f"{path}?page=10000").status_code == 200
    for page in HOSTILE:
        assert person.get(path, query_string={"page": page}).status_code == 400, page


def _shown(html: str, pattern: str) -> list[str]:
    return re.findall(pattern, html)


def test_open_escalations_and_notifications_come_a_page_at_a_time(app, source) -> None:
    supervisor = signed_in(app, "sue@example.com", "supervisor")
    with app.app_context():
        policy.set_rules(db.session, Actor.system("test"), [Rule("fraud", always_escalate=True)])
        db.session.commit()
    total = PER_PAGE + 3
    for n in range(total):
        assert source.submit(draft(title=f"Case {n}", risk_tags=["fraud"])).status_code == 201

    first = supervisor.get("/escalations").get_data(as_text=True)
    assert f"Open ({total})" in first
    assert 'rel="next" href="/escalations?page=2"' in first and 'rel="prev"' not in first
    second = supervisor.get("/escalations?page=2").get_data(as_text=True)
    assert 'rel="prev" href="/escalations?page=1"' in second and 'rel="next"' not in second
    claims = r"/escalations/(\d+)/claim"
    on_first, on_second = _shown(first, claims), _shown(second, claims)
    assert len(on_first) == PER_PAGE and len(on_second) == 3
    assert not set(on_first) & set(on_second)
    # longest waiting first: the first page starts with the first case
    assert first.index("Case 0<") < first.index("Case 1<")

    notes = supervisor.get("/notifications").get_data(as_text=True)
    later = supervisor.get("/notifications?page=2").get_data(as_text=True)
    escalated = r"Escalated: #\d+ Case (\d+)"
    assert len(_shown(notes, escalated)) == PER_PAGE and len(_shown(later, escalated)) == 3
    assert _shown(notes, escalated)[0] == str(total - 1)  # newest first
    assert f'aria-label="{total} unread"' in notes
    assert 'rel="next" href="/notifications?page=2"' in notes
