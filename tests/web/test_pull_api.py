from reviewq.extensions import db
from reviewq.models import Item
from tests.support.api import draft

PROBLEM = "application/problem+json"


def test_source_reads_its_item_by_id_and_external_id(source) -> None:
    created = source.submit(draft(external_id="ext-1")).get_json()
    got = source.get(f"/api/v1/items/{created['id']}")
    assert got.status_code == 200 and got.get_json() == created
    listed = source.get(f"/api/v1/sources/{source.slug}/items?external_id=ext-1").get_json()
    assert [i["id"] for i in listed["items"]] == [created["id"]]
    none = source.get(f"/api/v1/sources/{source.slug}/items?external_id=ext-2").get_json()
    assert none["items"] == []


def test_a_source_never_sees_another_sources_items(make_source, source) -> None:
    other = make_source("other-bot")
    item = source.submit(draft()).get_json()
    assert other.get(f"/api/v1/items/{item['id']}").status_code == 404
    assert other.post(f"/api/v1/items/{item['id']}/withdraw").status_code == 404
    assert other.get(f"/api/v1/sources/{source.slug}/items").status_code == 404
    assert source.get(f"/api/v1/items/{item['id']}").status_code == 200


def test_pull_needs_a_valid_token(source, client) -> None:
    item = source.submit(draft()).get_json()
    for headers in ({}, {"Authorization": "Bearer nope"}, {"Authorization": source.token}):
        resp = client.get(f"/api/v1/items/{item['id']}", headers=headers)
        assert resp.status_code == 401 and resp.mimetype == PROBLEM
        assert resp.headers["WWW-Authenticate"].startswith("Bearer")


def test_huge_ids_are_404_not_errors(source) -> None:
    assert source.get(f"/api/v1/items/{2**63}").status_code == 404


def test_withdraw_an_undecided_draft(source, ctx) -> None:
    item = source.submit(draft()).get_json()
    resp = source.post(f"/api/v1/items/{item['id']}/withdraw")
    assert resp.status_code == 200
    body = resp.get_json()
    assert body["status"] == "withdrawn" and body["outcome"]["status"] == "withdrawn"
    assert source.post(f"/api/v1/items/{item['id']}/withdraw").status_code == 200


def test_withdraw_after_a_decision_is_409(source, ctx) -> None:
    item = source.submit(draft()).get_json()
    row = db.session.get(Item, item["id"])
    row.status = "approved"
    db.session.commit()
    resp = source.post(f"/api/v1/items/{item['id']}/withdraw")
    assert resp.status_code == 409 and resp.mimetype == PROBLEM


def test_limit_is_validated(source) -> None:
    resp = source.get(f"/api/v1/sources/{source.slug}/items?limit=0")
    assert resp.status_code == 422
    assert resp.get_json()["errors"][0]["field"] == "limit"
