"""The audit endpoints: a source's token, the newest checkpoint with its key, proofs that
verify, and bad or impossible queries answered 400 or 404 (never 500)."""

import base64

import pytest

from reviewq import jobs
from reviewq.domain import note, tlog
from reviewq.domain.audit import leaf_data


def test_checkpoint_and_proofs_verify_with_the_published_key(app, source) -> None:
    client, auth = app.test_client(), {"Authorization": f"Bearer {source.token}"}
    assert client.get("/api/v1/audit/checkpoint", headers=auth).status_code == 404  # none yet
    source.submit({"external_id": "a-1", "title": "T", "content": "C"})
    with app.app_context():
        jobs.seal()
    body = client.get("/api/v1/audit/checkpoint", headers=auth).get_json()
    checkpoint = note.open_checkpoint(body["checkpoint"], note.Verifier.parse(body["public_key"]))
    proof = client.get(f"/api/v1/audit/proof?event=1&size={checkpoint.size}", headers=auth)
    found = proof.get_json()
    leaf = tlog.leaf_hash(leaf_data(1, found["event_hash"]))
    path = [base64.b64decode(h) for h in found["proof"]]
    tlog.verify_inclusion(leaf, found["leaf_index"], checkpoint.size, path, checkpoint.root)
    assert client.get("/api/v1/audit/checkpoint").status_code == 401


@pytest.mark.parametrize(
    ("query", "status"),
    [
        ("/proof", 400),  # event is required
        ("/proof?event=x", 400),
        ("/proof?event=-1", 400),
        ("/proof?event=175395231327&size=1", 404),  # more than an id column holds
        ("/proof?event=1&size=999999999999999", 404),  # past the log
        ("/proof?event=999", 404),
        ("/consistency?first=2&second=1", 404),
        ("/consistency?first=999999999999999", 404),
        ("/consistency?first=1&second=1e3", 400),
    ],
)
def test_bad_or_impossible_queries_are_4xx(app, source, query: str, status: int) -> None:
    source.submit({"external_id": "a-1", "title": "T", "content": "C"})
    with app.app_context():
        jobs.seal()
    resp = app.test_client().get(
        "/api/v1/audit" + query, headers={"Authorization": f"Bearer {source.token}"}
    )
    assert resp.status_code == status, resp.get_json()
