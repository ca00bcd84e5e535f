"""The Oversight page, a reviewer's drill-down with flag notes, and My review stats."""

import re
from datetime import UTC, datetime, timedelta

import pytest
import sqlalchemy as sa

from reviewq.domain.intake import parse_submission
from reviewq.extensions import db
from reviewq.models import AuditEvent, FlagNote, Item, OversightRun, User
from reviewq.models.types import utcnow
from reviewq.services import intake, oversight, sources, users
from reviewq.web import oversight as views
from tests.support.api import draft
from tests.support.auth import client_of, csrf
from tests.support.oversight import LONG, add_person, approve_next, compute, work

PAGES = ["/oversight", "/oversight/{id}", "/my-stats"]


@pytest.fixture
def team(app, source):
    """Reviewers Careful and Stamp, supervisor Sue and manager Mona; no decisions yet."""
    with app.app_context():
        for email, name, role in (
            ("careful@example.com", "Careful", "reviewer"),
            ("stamp@example.com", "Stamp", "reviewer"),
            ("sue@example.com", "Sue", "supervisor"),
            ("mona@example.com", "Mona", "manager"),
        ):
            add_person(email, name, role, 5 if role != "reviewer" else 3)


@pytest.fixture
def history(app, source, team):
    """Careful reads (90 s an item), Stamp stamps (2 s an item), 60 items each, yesterday."""
    now = datetime.now(UTC) - timedelta(days=1)
    with app.app_context():
        src = sources.get(db.session, source.slug)
        people = [
            ((users.by_email(db.session, email)).actor, seconds)
            for email, seconds in (("careful@example.com", 90), ("stamp@example.com", 2))
        ]
        at = now
        for n in range(120):
            intake.submit(
                db.session,
                src,
                f"m{n}",
                parse_submission(draft(external_id=f"d{n}", content=LONG, risk_tags=[])),
                at,
            )
        db.session.commit()
        for _ in range(60):
            for actor, seconds in people:
                approve_next(actor, at, seconds)
            at += timedelta(seconds=100)
    compute(app)
    return people


def user_id(app, email: str) -> int:
    with app.app_context():
        return db.session.scalar(sa.select(User.id).where(User.email == email))


def verdicts_in(page: str) -> dict[str, str]:
    """Reviewer name -> verdict, from the Oversight list."""
    return dict(
        re.findall(
            r'>([^<>]+)</a></td>\s*<td class="verdict-cell"><span class="verdict verdict-(\w+)',
            page,
        )
    )


def heading(page: str) -> str:
    return re.search(r"<h1>(.*?)</h1>", page, re.S).group(1)


def test_the_stamper_is_flagged_with_evidence_and_a_note_is_audited(app, history) -> None:
    supervisor = client_of(app, "sue@example.com")
    page = supervisor.get("/oversight").get_data(as_text=True)
    assert "Symbolic oversight index" in page and "<svg" in page
    assert verdicts_in(page) == {"Careful": "ok", "Stamp": "individual"}
    stamp = user_id(app, "stamp@example.com")
    detail = supervisor.get(f"/oversight/{stamp}").get_data(as_text=True)
    assert "S1" in detail and "faster than the text can be read" in detail
    assert re.search(r'href="/items/\d+"', detail)  # example decisions link to the items
    token = csrf(supervisor, f"/oversight/{stamp}")
    refused = supervisor.post(
        f"/oversight/{stamp}",
        data={"csrf_token": token, "signal": "S1", "status": "acknowledged", "note": ""},
    )
    assert "a note is required" in supervisor.get(refused.headers["Location"]).get_data(
        as_text=True
    )
    supervisor.post(
        f"/oversight/{stamp}",
        data={
            "csrf_token": token,
            "signal": "S1",
            "status": "acknowledged",
            "note": "Talked it over",
        },
    )
    with app.app_context():
        note = db.session.scalar(sa.select(FlagNote))
        assert (note.signal, note.status, note.note) == ("S1", "acknowledged", "Talked it over")
        assert db.session.scalar(
            sa.select(AuditEvent).where(AuditEvent.action == "flag.acknowledged")
        )
        # A flag changes nobody's permissions.
        assert db.session.get(User, stamp).role == "reviewer"


def test_reviewers_see_their_own_stats_only(app, history) -> None:
    stamper = client_of(app, "stamp@example.com")
    page = stamper.get("/my-stats").get_data(as_text=True)
    assert heading(page) == "My review stats" and "individual" in page
    assert "Careful" not in page
    assert stamper.get("/oversight").status_code == 403


# -- authorization ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("email", "path", "status"),
    [
        ("stamp@example.com", "/oversight", 403),
        ("stamp@example.com", "/oversight/{careful}", 403),
        ("stamp@example.com", "/oversight/{stamp}", 403),  # their own: /my-stats
        ("stamp@example.com", "/my-stats", 200),
        ("sue@example.com", "/oversight", 200),
        ("sue@example.com", "/oversight/{stamp}", 200),
        ("sue@example.com", "/my-stats", 200),
        ("mona@example.com", "/oversight", 200),
        ("mona@example.com", "/oversight/{stamp}", 200),
        ("mona@example.com", "/my-stats", 403),  # managers do not review
        ("sue@example.com", "/oversight/999999", 404),
    ],
)
def test_who_may_open_which_oversight_page(app, team, email, path, status) -> None:
    ids = {k: user_id(app, f"{k}@example.com") for k in ("careful", "stamp")}
    assert client_of(app, email).get(path.format(**ids)).status_code == status


def test_a_manager_cannot_note_a_flag_and_nobody_notes_their_own(app, team) -> None:
    stamp, sue = user_id(app, "stamp@example.com"), user_id(app, "sue@example.com")
    for email, target in (("mona@example.com", stamp), ("sue@example.com", sue)):
        client = client_of(app, email)
        token = csrf(client, "/")
        answer = client.post(
            f"/oversight/{target}?days=28",
            data={"csrf_token": token, "signal": "S1", "status": "dismissed", "note": "fine"},
        )
        assert answer.status_code == 302 and answer.headers["Location"].endswith("days=28")
        follow = client.get(answer.headers["Location"]).get_data(as_text=True)
        assert "flash-error" in follow
    with app.app_context():
        assert db.session.scalar(sa.select(sa.func.count()).select_from(FlagNote)) == 0


# -- title --------------------------------------------------------------------------------------


def test_the_reviewer_page_is_titled_with_the_reviewers_name_unless_it_is_yours(
    app, history
) -> None:
    stamp, sue = user_id(app, "stamp@example.com"), user_id(app, "sue@example.com")
    for email in ("mona@example.com", "sue@example.com"):
        page = client_of(app, email).get(f"/oversight/{stamp}").get_data(as_text=True)
        assert heading(page) == "Review stats: Stamp"
        assert "<title>Review stats: Stamp" in page
    own = client_of(app, "sue@example.com").get(f"/oversight/{sue}").get_data(as_text=True)
    assert heading(own) == "My review stats"
    assert 'name="note"' not in own  # no notes on your own flags
    mine = client_of(app, "stamp@example.com").get("/my-stats").get_data(as_text=True)
    assert heading(mine) == "My review stats" and "<title>My review stats" in mine


# -- the window ---------------------------------------------------------------------------------


@pytest.mark.parametrize("path", PAGES)
def test_every_window_can_be_chosen_and_is_shown(app, history, path) -> None:
    client = client_of(app, "stamp@example.com" if path == "/my-stats" else "sue@example.com")
    url = path.format(id=user_id(app, "stamp@example.com"))
    for days in (7, 14, 28, 90):
        page = client.get(f"{url}?days={days}").get_data(as_text=True)
        assert f"Last {days} days" in page
        assert re.search(rf'days={days}[^"]*" aria-current="page"', page)
        trend = page[page.index("Weekly trend") :]
        weeks = re.findall(r'<th scope="col"><span class="week-start">\d+ \w{3} –', trend)
        assert len(weeks) == max(1, days // 7)


@pytest.mark.parametrize("path", PAGES)
def test_any_other_window_is_a_clear_400(app, team, path) -> None:
    client = client_of(app, "sue@example.com")
    url = path.format(id=user_id(app, "stamp@example.com"))
    for query in ("days=0", "days=15", "days=abc", "days=", "days=7.0", "days=-7", "days=%D9%A1"):
        answer = client.get(f"{url}?{query}")
        assert answer.status_code == 400, query
        assert "days must be one of: 7, 14, 28, 90" in answer.get_data(as_text=True)


@pytest.mark.parametrize(
    ("query", "status"),
    [("sort=bogus", 400), ("page=0", 400), ("page=x", 400), ("page=2", 404), ("page=1", 200)],
)
def test_bad_sort_or_page_is_a_4xx(app, team, query, status) -> None:
    assert client_of(app, "sue@example.com").get(f"/oversight?{query}").status_code == status


def test_links_keep_the_window(app, history) -> None:
    client = client_of(app, "sue@example.com")
    page = client.get("/oversight?days=28&sort=decisions").get_data(as_text=True)
    links = re.findall(r'href="(/oversight[^"]*)"', page)
    reviewer_links = [h for h in links if re.match(r"/oversight/\d+", h)]
    sort_links = [h for h in links if "sort=" in h and "days=28" in h]
    assert len(reviewer_links) == 2 and all("days=28" in h for h in reviewer_links)
    assert len(sort_links) >= 6
    # the window picker keeps the sort
    assert all("sort=decisions" in h for h in links if "days=7" in h)


def test_paging_keeps_window_and_sort(app, history, monkeypatch) -> None:
    monkeypatch.setattr(views, "PER_PAGE", 1)
    client = client_of(app, "sue@example.com")
    first = client.get("/oversight?days=28&sort=name").get_data(as_text=True)
    assert verdicts_in(first) == {"Careful": "ok"} and "Page 1 of 2" in first
    assert 'href="/oversight?days=28&amp;sort=name&amp;page=2"' in first
    second = client.get("/oversight?days=28&sort=name&page=2").get_data(as_text=True)
    assert verdicts_in(second) == {"Stamp": "individual"}


def test_the_window_decides_which_decisions_count(app, source) -> None:
    with app.app_context():
        add_person("sue@example.com", "Sue", "supervisor", 5)
        add_person("old@example.com", "Old")
        work(source.slug, "old@example.com", 60, 60, utcnow() - timedelta(days=10))
    compute(app)
    client = client_of(app, "sue@example.com")
    assert verdicts_in(client.get("/oversight?days=7").get_data(as_text=True)) == {}
    assert verdicts_in(client.get("/oversight?days=14").get_data(as_text=True)) == {"Old": "ok"}


# -- weekly trend ---------------------------------------------------------------------------------


def test_the_weekly_trend_runs_the_detector_per_week(app, source) -> None:
    with app.app_context():
        add_person("sue@example.com", "Sue", "supervisor", 5)
        add_person("turn@example.com", "Turn")
        now = utcnow()
        # careful three weeks ago, stamping last week
        work(source.slug, "turn@example.com", 60, 90, now - timedelta(days=20))
        work(source.slug, "turn@example.com", 60, 2, now - timedelta(days=2))
        trend = oversight.trend(db.session, now, 4)
        win = oversight.window(db.session, now, 28)
    compute(app)
    assert [w["decisions"] for w in trend] == [0, 60, 0, 60]
    assert [w["verdicts"].get("turn@example.com") for w in trend] == [
        None,
        "ok",
        None,
        "individual",
    ]
    assert trend[0]["index"] is None and trend[3]["index"] > 0.9
    assert trend[3]["week_end"] == now and trend[0]["week_start"] == now - timedelta(weeks=4)
    assert win.trend == trend
    client = client_of(app, "sue@example.com")
    page = client.get("/oversight?days=28").get_data(as_text=True)
    row = re.search(r'<th scope="row">Turn</th>(.*?)</tr>', page, re.S).group(1)
    assert re.findall(r"verdict-(\w+)", row) == ["none", "ok", "none", "individual"]
    index = re.search(r'<tr class="index-row">(.*?)</tr>', page, re.S).group(1)
    assert index.count('<svg class="bar"') == 2 and index.count(">—</span>") == 2
    turn = user_id(app, "turn@example.com")
    detail = client.get(f"/oversight/{turn}?days=28").get_data(as_text=True)
    row = re.search(r'<th scope="row">Verdict</th>(.*?)</tr>', detail, re.S).group(1)
    assert re.findall(r"verdict-(\w+)", row) == ["none", "ok", "none", "individual"]


def test_ninety_days_is_twelve_whole_weeks(app, source) -> None:
    with app.app_context():
        trend = oversight.window(db.session, utcnow(), 90).trend
    assert len(trend) == 12 and all(w["index"] is None for w in trend)


# -- flag notes in the list ---------------------------------------------------------------------


def test_acknowledged_and_dismissed_flags_show_in_the_list_from_one_query(app, history) -> None:
    client = client_of(app, "sue@example.com")
    stamp, careful = user_id(app, "stamp@example.com"), user_id(app, "careful@example.com")
    token = csrf(client, "/")
    for target, signal, status, note in (
        (stamp, "S1", "dismissed", "first look"),
        (stamp, "S1", "acknowledged", "Talked <b>it</b> over"),
        (stamp, "S5", "dismissed", "one busy morning"),
        (careful, "S8", "dismissed", "canary was ambiguous"),
    ):
        client.post(
            f"/oversight/{target}",
            data={"csrf_token": token, "signal": signal, "status": status, "note": note},
        )
    statements: list[str] = []
    with app.app_context():
        engine = db.engine

    def seen(conn, cursor, statement, *args) -> None:
        statements.append(statement)

    sa.event.listen(engine, "before_cursor_execute", seen)
    try:
        page = client.get("/oversight").get_data(as_text=True)
    finally:
        sa.event.remove(engine, "before_cursor_execute", seen)
    assert sum("flag_notes" in s for s in statements) == 1
    assert "S1 acknowledged" in page and "S5 dismissed" in page and "S8 dismissed" in page
    assert "S1 dismissed" not in page  # only the latest note per signal
    assert "Talked &lt;b&gt;it&lt;/b&gt; over" in page and "<b>it</b>" not in page


# -- no None, no nan ------------------------------------------------------------------------------


def clean(page: str) -> str:
    """The page without CSRF tokens (random text that could hold any word)."""
    page = re.sub(r'name="csrf-token" content="[^"]*"', "", page)
    return re.sub(r'name="csrf_token" type="hidden" value="[^"]*"', "", page)


def test_no_none_or_nan_for_thin_data(app, source) -> None:
    with app.app_context():
        add_person("sue@example.com", "Sue", "supervisor", 5)
        add_person("mona@example.com", "Mona", "manager", 5)
        add_person("one@example.com", "One")
        add_person("brief@example.com", "Brief")
        add_person("quiet@example.com", "Quiet")
        now = utcnow()
        work(source.slug, "one@example.com", 1, 8, now - timedelta(hours=3))
        work(source.slug, "brief@example.com", 4, 20, now - timedelta(hours=2), gap=30)
    compute(app)
    pages = []
    for email in ("sue@example.com", "mona@example.com"):
        client = client_of(app, email)
        for days in (7, 14, 28, 90):
            pages.append(client.get(f"/oversight?days={days}").get_data(as_text=True))
            for who in ("one", "brief", "quiet", "sue"):
                pages.append(
                    client.get(
                        f"/oversight/{user_id(app, f'{who}@example.com')}?days={days}"
                    ).get_data(as_text=True)
                )
    for who in ("one", "brief", "quiet"):
        pages.append(client_of(app, f"{who}@example.com").get("/my-stats").get_data(as_text=True))
    for page in pages:
        assert not re.search(r"\bNone\b|\bnan\b|\bNaN\b|\bundefined\b", clean(page)), page
    detail = pages[1]  # One, in the 7-day window, seen by the supervisor
    assert "Review stats: One" in detail
    assert re.search(r"<span>Items per hour</span><b>—</b>", detail)
    assert "1 session of 0 min in all: under 10 minutes of work" in detail


# -- sources by name ----------------------------------------------------------------------------


def test_sources_are_shown_by_name(app, make_source) -> None:
    make_source("helpdesk-bot")
    with app.app_context():
        src = sources.get(db.session, "helpdesk-bot")
        src.name = "Helpdesk <Assistant>"
        db.session.commit()
        add_person("sue@example.com", "Sue", "supervisor", 5)
        add_person("rev@example.com", "Rev")
        work("helpdesk-bot", "rev@example.com", 3, 30, utcnow() - timedelta(hours=1))
    compute(app)
    page = client_of(app, "sue@example.com").get("/oversight").get_data(as_text=True)
    by_source = page[page.index("<h2>By source</h2>") : page.index("<h2>By risk tag</h2>")]
    assert ">Helpdesk &lt;Assistant&gt;</span>" in by_source
    assert ">helpdesk-bot<" not in by_source


# -- risk factors and insufficient data ------------------------------------------------------------


def test_risk_factors_are_context_beside_the_verdict(app, source) -> None:
    with app.app_context():
        add_person("sue@example.com", "Sue", "supervisor", 5)
        add_person("long@example.com", "Long")
        # one unbroken session of about 2 h 20 min: a long-sessions risk factor
        work(source.slug, "long@example.com", 100, 80, utcnow() - timedelta(hours=6), gap=110)
    compute(app)
    client = client_of(app, "sue@example.com")
    page = client.get("/oversight").get_data(as_text=True)
    cell = re.search(r'<td class="verdict-cell">(.*?)</td>', page, re.S).group(1)
    assert re.search(r'<span class="risk-factor" title="[^"]+">long sessions</span>', cell)
    assert "high demand" not in cell  # only factors that are present, in the list
    detail = client.get(f"/oversight/{user_id(app, 'long@example.com')}").get_data(as_text=True)
    factors = re.findall(
        r'<span class="risk-factor( absent)?">([^<]+)</span> (present|not present)', detail
    )
    assert factors == [("", "long sessions", "present"), (" absent", "high demand", "not present")]
    assert "of decisions were made more than 90 min into a session" in detail
    assert "Context for the verdict, never a flag by themselves." in detail


def test_insufficient_data_is_neither_ok_nor_flagged(app, source, history) -> None:
    with app.app_context():
        add_person("new@example.com", "Newcomer")
        work(source.slug, "new@example.com", 12, 60, utcnow() - timedelta(hours=2))
    compute(app)
    client = client_of(app, "sue@example.com")
    page = client.get("/oversight").get_data(as_text=True)
    assert verdicts_in(page) == {
        "Careful": "ok",
        "Stamp": "individual",
        "Newcomer": "insufficient",
    }
    assert "not enough data yet: 12 of 50 decisions, 38 more needed" in page
    assert '<span class="verdict verdict-insufficient">not enough data yet</span>' in page
    assert 'Flagged: <b class="flagged-count">1</b>' in page
    counts = page[page.index("<h2>Verdicts</h2>") : page.index("<h2>By source</h2>")]
    assert re.search(r"not enough data yet</span></span><b>1</b>", counts)
    assert re.search(r"verdict-ok\">ok</span></span><b>1</b>", counts)
    newcomer = user_id(app, "new@example.com")
    detail = client.get(f"/oversight/{newcomer}").get_data(as_text=True)
    assert "verdict-insufficient" in detail and "verdict-ok" not in detail
    assert "38 more needed" in detail
    mine = client_of(app, "new@example.com").get("/my-stats").get_data(as_text=True)
    assert "not enough data yet" in mine and "38 more needed" in mine


# -- canaries stay hidden from the reviewer ----------------------------------------------------


def test_reviewers_never_see_which_items_were_canaries(app, source) -> None:
    with app.app_context():
        add_person("sue@example.com", "Sue", "supervisor", 5)
        add_person("mona@example.com", "Mona", "manager", 5)
        add_person("miss@example.com", "Miss")
        # 8 canaries approved (missed) under the reading floor, then 32 ordinary drafts
        decided = work(
            source.slug, "miss@example.com", 40, 2, utcnow() - timedelta(hours=3), canary_first=8
        )
        planted = set(db.session.scalars(sa.select(Item.id).where(Item.canary_id.is_not(None))))
    compute(app)
    assert set(decided[:8]) == planted
    miss = user_id(app, "miss@example.com")
    links = lambda page: {int(i) for i in re.findall(r'href="/items/(\d+)"', page)}  # noqa: E731
    for email in ("sue@example.com", "mona@example.com"):
        seen = client_of(app, email).get(f"/oversight/{miss}").get_data(as_text=True)
        assert "S8</b> (individual)" in seen and links(seen) & planted
    mine = client_of(app, "miss@example.com").get("/my-stats").get_data(as_text=True)
    assert "caught 0 of 8 planted" in mine  # the catch rate, not the items
    assert not links(mine) & planted
    assert links(mine)  # other examples still link


# -- stored results -------------------------------------------------------------------------------


def test_before_the_first_computation_the_pages_say_they_are_being_prepared(app, team) -> None:
    stamp = user_id(app, "stamp@example.com")
    for email, path in (
        ("sue@example.com", "/oversight?days=28"),
        ("mona@example.com", f"/oversight/{stamp}"),
        ("stamp@example.com", "/my-stats?days=7"),
    ):
        answer = client_of(app, email).get(path)
        page = answer.get_data(as_text=True)
        assert answer.status_code == 200
        assert "are being prepared" in page
        assert not re.search(r"\bNone\b|\bnan\b", clean(page))
        assert ("Recompute now" in page) == (email != "stamp@example.com")


def test_the_pages_show_when_their_results_were_computed(app, history) -> None:
    with app.app_context():
        for run in db.session.scalars(sa.select(OversightRun)):
            run.computed_at -= timedelta(minutes=4)
        db.session.commit()
    stamp = user_id(app, "stamp@example.com")
    for email, path in (
        ("sue@example.com", "/oversight"),
        ("sue@example.com", f"/oversight/{stamp}"),
        ("stamp@example.com", "/my-stats"),
    ):
        page = client_of(app, email).get(path).get_data(as_text=True)
        assert re.search(r'Computed <time datetime="[^"]+" title="[^"]+">4 min ago</time>', page)
        assert "over 120 decisions" in page


def test_a_supervisor_asks_for_a_recompute_and_gets_new_results(app, source, team) -> None:
    with app.app_context():
        work(source.slug, "careful@example.com", 55, 90, utcnow() - timedelta(hours=3))
    reviewer, supervisor = client_of(app, "stamp@example.com"), client_of(app, "sue@example.com")
    assert (
        reviewer.post("/oversight/recompute", data={"csrf_token": csrf(reviewer, "/")}).status_code
        == 403
    )
    assert supervisor.post("/oversight/recompute").status_code == 400  # no CSRF token
    answer = supervisor.post(
        "/oversight/recompute?days=28",
        data={"csrf_token": csrf(supervisor, "/"), "back": "/oversight?days=28"},
    )
    assert answer.status_code == 302 and answer.headers["Location"] == "/oversight?days=28"
    app.extensions["reviewq.jobs"].wait_idle()  # embedded mode: the job ran in a thread
    page = supervisor.get("/oversight?days=28").get_data(as_text=True)
    assert "being computed again" in page  # the flash
    assert verdicts_in(page) == {"Careful": "ok"} and ">just now</time>" in page
    elsewhere = supervisor.post(
        "/oversight/recompute",
        data={"csrf_token": csrf(supervisor, "/"), "back": "//evil.example/"},
    )
    assert elsewhere.headers["Location"] == "/oversight?days=14"
    app.extensions["reviewq.jobs"].wait_idle()


def test_my_review_stats_read_only_my_stored_row(app, history) -> None:
    statements: list[str] = []

    def seen(conn, cursor, statement, *args) -> None:
        statements.append(statement)

    with app.app_context():
        engine = db.engine
    stamper = client_of(app, "stamp@example.com")
    sa.event.listen(engine, "before_cursor_execute", seen)
    try:
        page = stamper.get("/my-stats").get_data(as_text=True)
    finally:
        sa.event.remove(engine, "before_cursor_execute", seen)
    assert "individual" in page and "Careful" not in page and "careful@" not in page
    results = [s for s in statements if "FROM oversight_results" in s]
    assert len(results) == 1 and "oversight_results.user_id =" in results[0]
    assert not any("oversight_runs.team" in s for s in statements)
    assert not any("FROM decisions" in s for s in statements)


@pytest.mark.parametrize(
    ("sort", "label", "order"),
    [
        ("name", "Reviewer", "ascending"),
        ("verdict", "Verdict", "ascending"),
        ("decisions", "Decisions", "descending"),
        ("speed", "Items/h", "descending"),
        ("dwell", "Median dwell", "ascending"),
        ("floor", "Under floor", "descending"),
    ],
)
def test_the_sorted_column_says_so_with_aria_sort(app, history, sort, label, order) -> None:
    page = client_of(app, "sue@example.com").get(f"/oversight?sort={sort}").get_data(as_text=True)
    sorted_headers = re.findall(r"<th [^>]*aria-sort=\"([a-z]+)\"[^>]*>(.*?)</th>", page)
    assert len(sorted_headers) == 1, sorted_headers  # one column at a time, as ARIA asks
    value, cell = sorted_headers[0]
    assert value == order and f">{label}</a>" in cell and f"sort={sort}" in cell
