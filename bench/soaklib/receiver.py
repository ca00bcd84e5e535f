"""The AI systems' callback endpoint: verifies every callback with the official
``standardwebhooks`` library, records its webhook-id, and checks its receipt's checkpoint.
"""

from __future__ import annotations

import base64
import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

from standardwebhooks import Webhook
from standardwebhooks.webhooks import WebhookVerificationError

from reviewq.domain import note, tlog
from reviewq.domain.audit import leaf_data


@dataclass(frozen=True)
class Hit:
    """One callback that verified."""

    slug: str
    msg_id: str
    payload: dict[str, Any]


@dataclass
class Receiver:
    """A threaded HTTP server on 127.0.0.1: ``POST /hook/<slug>`` verified with that source's
    secret (set in ``secrets`` before callbacks can arrive); always answers 200 once verified."""

    secrets: dict[str, str] = field(default_factory=dict)
    hits: list[Hit] = field(default_factory=list)
    refused: list[str] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)

    def __post_init__(self) -> None:
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, format: str, *args: Any) -> None:
                pass

            def do_POST(self) -> None:
                body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
                headers = {k.lower(): v for k, v in self.headers.items()}
                slug = self.path.removeprefix("/hook/")
                status = 200
                try:
                    payload = Webhook(receiver.secrets[slug]).verify(body, headers)
                except (KeyError, WebhookVerificationError, ValueError, TypeError) as exc:
                    status = 401
                    with receiver.lock:
                        receiver.refused.append(f"{self.path}: {type(exc).__name__}: {exc}")
                else:
                    with receiver.lock:
                        receiver.hits.append(Hit(slug, headers["webhook-id"], payload))
                self.send_response(status)
                self.send_header("Content-Length", "0")
                self.end_headers()

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    def url(self, slug: str) -> str:
        return f"http://127.0.0.1:{self.server.server_address[1]}/hook/{slug}"

    def snapshot(self) -> list[Hit]:
        with self.lock:
            return list(self.hits)

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()


# The audit checkpoint in each receipt ------------------------------------------------------
#
# Each decision callback's receipt carries ``"audit": {"event", "leaf", "checkpoint"}``: the
# decision's audit event, its leaf and the newest signed checkpoint of the audit log (issue
# 11). Each one is checked as a source would: the checkpoint's signature with the log's
# public key, then the inclusion proof of the event (``GET /api/v1/audit/proof``) against
# the checkpoint's root with the pure verifiers (``reviewq.domain.note``, ``.tlog``); when
# ``leaf`` is null (a slow transaction held the event back), against a later checkpoint.
# The run also checks consistency from the oldest to the newest checkpoint seen, and hands
# the newest to ``flask --app reviewq audit verify --checkpoint FILE`` (soak.audit_verify).

NOT_AVAILABLE = "checkpoint check: not available"
ApiGet = Callable[[str], tuple[int, Any]]


def receipt_checkpoint(payload: dict[str, Any]) -> tuple[str, int, int | None] | None:
    """The (signed checkpoint text, audit event id, leaf or None) a callback's receipt
    carries, or None when it carries no checkpoint."""
    witness = payload.get("data", {}).get("receipt", {}).get("audit")
    if not isinstance(witness, dict):
        return None
    checkpoint, event, leaf = witness.get("checkpoint"), witness.get("event"), witness.get("leaf")
    if not isinstance(checkpoint, str) or not checkpoint:
        return None
    event_id = event if isinstance(event, int) and not isinstance(event, bool) else -1
    return checkpoint, event_id, leaf if isinstance(leaf, int) else None


def _inclusion(
    event: int, cp: note.Checkpoint, api_get: ApiGet, leaf: int | None = None
) -> str | None:
    """What is wrong with the proof that ``event`` is in the tree ``cp`` signs, or None."""
    status, proof = api_get(f"/api/v1/audit/proof?event={event}&size={cp.size}")
    if status != 200:
        return f"proof of event {event} at size {cp.size}: HTTP {status} {proof}"
    if proof["event"] != event or proof["tree_size"] != cp.size:
        return (
            f"proof of event {event} at size {cp.size} is for {proof['event']}/{proof['tree_size']}"
        )
    if leaf is not None and proof["leaf_index"] != leaf:
        return f"event {event}: receipt says leaf {leaf}, the proof {proof['leaf_index']}"
    leaf_hash = tlog.leaf_hash(leaf_data(event, proof["event_hash"]))
    path = [base64.b64decode(h) for h in proof["proof"]]
    try:
        tlog.verify_inclusion(leaf_hash, proof["leaf_index"], cp.size, path, cp.root)
    except tlog.ProofError as exc:
        return f"event {event} at size {cp.size}: {exc}"
    return None


def check_receipt_checkpoint(
    hit: Hit, api_get: ApiGet, verifier: note.Verifier, later: note.Checkpoint
) -> str | None:
    """Check one receipt's checkpoint: its signature, and that the decision's audit event is
    in the tree it commits to (inclusion proof from the API).

    Args:
        hit: a verified callback.
        api_get: ``api_get(path) -> (status, json)`` against a web process, with a token.
        verifier: the log's public key (from outside the run's database).
        later: a checkpoint (already verified) newer than every receipt's, for receipts
            whose event was not sealed yet (``leaf`` null).

    Returns:
        None when the receipt's checkpoint checks out, ``NOT_AVAILABLE`` when the receipt
        carries none, else what is wrong.
    """
    found = receipt_checkpoint(hit.payload)
    if found is None:
        return NOT_AVAILABLE
    text, event, leaf = found
    if event < 0:
        return f"{hit.msg_id}: the receipt has a checkpoint but no audit event id"
    try:
        cp = note.open_checkpoint(text, verifier)
    except note.NoteError as exc:
        return f"{hit.msg_id}: checkpoint: {exc}"
    problem = _inclusion(event, cp if leaf is not None else later, api_get, leaf)
    return f"{hit.msg_id}: {problem}" if problem else None


def check_consistency(first: note.Checkpoint, last: note.Checkpoint, api_get: ApiGet) -> str | None:
    """What is wrong with the proof that ``first``'s tree is a prefix of ``last``'s, or None."""
    status, found = api_get(f"/api/v1/audit/consistency?first={first.size}&second={last.size}")
    if status != 200:
        return f"consistency {first.size} -> {last.size}: HTTP {status} {found}"
    try:
        tlog.verify_consistency(
            first.size,
            last.size,
            first.root,
            last.root,
            [base64.b64decode(h) for h in found["proof"]],
        )
    except tlog.ProofError as exc:
        return f"consistency {first.size} -> {last.size}: {exc}"
    return None
