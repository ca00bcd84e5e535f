"""The People pages as an administrator uses them, and one's own password page."""

from __future__ import annotations

import re

from tests.support.auth import PASSWORD, client_of, csrf, sign_in, signed_in


def _link(page: str) -> str:
    match = re.search(r'value="(http://localhost/account/link/[^"]+)"', page)
    assert match, "no link on the page"
    return match.group(1).removeprefix("http://localhost")


def test_an_invited_person_sets_a_password_once_and_signs_in(app) -> None:
    admin = signed_in(app, "ada@example.com", "admin")
    form = {
        "csrf_token": csrf(admin, "/admin/people/new"),
        "email": "Nia@Example.com",
        "name": "Nia New",
        "role": "reviewer",
        "level": "2",
        "how": "invite",
    }
    answer = admin.post("/admin/people/new", data=form)
    assert answer.status_code == 201
    page = answer.get_data(as_text=True)
    link = _link(page)
    assert "shown only now" in page
    person_id = re.search(r"/admin/people/(\d+)/role", page).group(1)
    later = admin.get(f"/admin/people/{person_id}").get_data(as_text=True)
    assert link not in later and "invited: no password set yet" in later

    visitor = app.test_client()
    assert sign_in(visitor, "nia@example.com", "!").status_code != 302
    opened = visitor.get(link)
    assert opened.status_code == 200 and "Nia New" in opened.get_data(as_text=True)
    token = csrf(visitor, link)
    short = visitor.post(link, data={"csrf_token": token, "password": "short"})
    assert short.status_code == 400 and "characters" in short.get_data(as_text=True)
    done = visitor.post(link, data={"csrf_token": token, "password": "nia-chose-this-one"})
    assert done.status_code == 302 and done.headers["Location"] == "/login"
    assert client_of(app, "nia@example.com", "nia-chose-this-one").get("/queue").status_code == 200
    again = visitor.post(link, data={"csrf_token": token, "password": "another-one-entirely"})
    assert again.status_code == 404 and "does not work" in again.get_data(as_text=True)


def test_a_form_mistake_keeps_what_was_typed_and_says_what_is_wrong(app) -> None:
    admin = signed_in(app, "ada@example.com", "admin")
    signed_in(app, "taken@example.com", "reviewer")
    token = csrf(admin, "/admin/people/new")
    base = {"csrf_token": token, "name": "Pat", "role": "reviewer", "level": "1"}
    taken = admin.post("/admin/people/new", data={**base, "email": "taken@example.com"})
    assert taken.status_code == 400 and "already exists" in taken.get_data(as_text=True)
    weak = admin.post(
        "/admin/people/new",
        data={**base, "email": "pat@example.com", "how": "password", "password": "password"},
    )
    body = weak.get_data(as_text=True)
    assert weak.status_code == 400 and 'value="pat@example.com"' in body
    assert 'aria-invalid="true"' in body
    level = admin.post("/admin/people/new", data={**base, "email": "p@example.com", "level": "12"})
    assert level.status_code == 400


def test_deactivating_someone_signs_them_out_at_once(app) -> None:
    admin = signed_in(app, "ada@example.com", "admin")
    rita = signed_in(app, "rita@example.com", "reviewer")
    assert rita.get("/queue").status_code == 200
    listing = admin.get("/admin/people", query_string={"q": "rita"}).get_data(as_text=True)
    rita_id = re.search(r'href="/admin/people/(\d+)">rita<', listing).group(1)
    answer = admin.post(
        f"/admin/people/{rita_id}/deactivate", data={"csrf_token": csrf(admin, "/admin/people")}
    )
    assert answer.status_code == 302
    assert "is deactivated" in admin.get(answer.headers["Location"]).get_data(as_text=True)
    assert rita.get("/queue").status_code == 302  # back to sign in
    assert sign_in(app.test_client(), "rita@example.com", PASSWORD).status_code != 302


def test_an_admin_sees_no_controls_over_their_own_account(app) -> None:
    admin = signed_in(app, "ada@example.com", "admin")
    listing = admin.get("/admin/people", query_string={"q": "ada"}).get_data(as_text=True)
    own_id = re.search(r'href="/admin/people/(\d+)">ada<', listing).group(1)
    page = admin.get(f"/admin/people/{own_id}").get_data(as_text=True)
    assert "Deactivate" not in page and "This is you" in page
    refused = admin.post(
        f"/admin/people/{own_id}/role",
        data={"csrf_token": csrf(admin, "/admin/people"), "role": "reviewer", "level": "1"},
        follow_redirects=True,
    )
    assert "you cannot change the role or level of yourself" in refused.get_data(as_text=True)


def test_bad_list_filters_are_400(app) -> None:
    admin = signed_in(app, "ada@example.com", "admin")
    assert admin.get("/admin/people", query_string={"role": "boss"}).status_code == 400
    assert admin.get("/admin/people", query_string={"state": "gone"}).status_code == 400
    assert admin.get("/admin/people/999999").status_code == 404


def test_changing_ones_own_password(app) -> None:
    rita = signed_in(app, "rita@example.com", "reviewer")
    other = client_of(app, "rita@example.com")
    token = csrf(rita, "/account/password")
    wrong = rita.post(
        "/account/password", data={"csrf_token": token, "current": "nope", "new": "x" * 12}
    )
    assert wrong.status_code == 400 and "not your current password" in wrong.get_data(as_text=True)
    done = rita.post(
        "/account/password",
        data={"csrf_token": token, "current": PASSWORD, "new": "rita-new-password"},
    )
    assert done.status_code == 302
    assert rita.get("/queue").status_code == 200  # this browser stays signed in
    assert other.get("/queue").status_code == 302  # the other one is signed out
    assert client_of(app, "rita@example.com", "rita-new-password")
