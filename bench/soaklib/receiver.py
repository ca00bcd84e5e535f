"""The AI systems' callback endpoint: verifies every callback with the official
``standardwebhooks`` library, records its webhook-id, and checks its receipt's checkpoint.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

from standardwebhooks import Webhook
from standardwebhooks.webhooks import WebhookVerificationError


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
# Receipts will carry the newest signed checkpoint of the audit transparency log and the
# decision's audit event id (issue 11). Until they do, this check reports "not available".
# When the log lands, wire the proof below: fetch
# ``GET /api/v1/audit/proof?event=<id>&size=<tree size>`` and verify the inclusion proof
# against the checkpoint's root with the pure verifier (``reviewq.domain.tlog``). The run
# also hands the newest checkpoint to ``flask --app reviewq audit verify --checkpoint FILE``
# (see checks.audit_verify), which needs no wiring here.

NOT_AVAILABLE = "checkpoint check: not available"


def receipt_checkpoint(payload: dict[str, Any]) -> tuple[str, int] | None:
    """The (signed checkpoint text, audit event id) a callback's receipt carries, or None."""
    receipt = payload.get("data", {}).get("receipt", {})
    checkpoint = receipt.get("checkpoint")
    event = receipt.get("audit_event") or receipt.get("event_id") or receipt.get("event")
    if not isinstance(checkpoint, str) or not checkpoint:
        return None
    return checkpoint, int(event) if isinstance(event, int | str) and str(event).isdigit() else -1


def check_receipt_checkpoint(hit: Hit, api_get: Any) -> str | None:
    """Check one receipt's checkpoint: its signature, and that the decision's audit event is
    in the tree it commits to (inclusion proof from the API).

    Args:
        hit: a verified callback.
        api_get: ``api_get(path) -> (status, json)`` against a web process.

    Returns:
        None when the receipt's checkpoint checks out, ``NOT_AVAILABLE`` when the receipt
        carries none, else what is wrong.
    """
    found = receipt_checkpoint(hit.payload)
    if found is None:
        return NOT_AVAILABLE
    checkpoint, event = found
    if event < 0:
        return f"{hit.msg_id}: the receipt has a checkpoint but no audit event id"
    try:
        from reviewq.domain import tlog  # type: ignore[attr-defined]
    except ImportError:
        return f"{hit.msg_id}: receipts carry checkpoints but reviewq.domain.tlog is missing"
    # TODO(lead): wire to the verifier's real names when the transparency log lands, e.g.
    #   note = tlog.parse_checkpoint(checkpoint, public_key)
    #   status, proof = api_get(f"/api/v1/audit/proof?event={event}&size={note.size}")
    #   tlog.verify_inclusion(leaf_hash, proof["index"], note.size, proof["path"], note.root)
    del tlog, api_get
    return f"{hit.msg_id}: the checkpoint's inclusion proof is not wired into the soak yet"
