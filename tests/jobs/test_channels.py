"""Notifications also go to a chat webhook when one is configured."""

from __future__ import annotations

import json
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from reviewq.domain.authority import Actor
from reviewq.domain.policy import Rule
from reviewq.extensions import db
from reviewq.services import policy, users
from tests.jobs.support import eventually
from tests.support.api import SourceKit, draft


@pytest.fixture
def chat():
    received: list[dict] = []

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:  # noqa: N802 (http.server's name)
            length = int(self.headers["Content-Length"])
            received.append(json.loads(self.rfile.read(length)))
            self.send_response(200)
            self.end_headers()

        def log_message(self, *args: object) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}/chat", received
    server.shutdown()
    server.server_close()
    thread.join()


def test_an_escalation_is_posted_to_the_chat_webhook(make_app, database_url, make_source, chat):
    url, received = chat
    app = make_app(
        SQLALCHEMY_DATABASE_URI=database_url,
        CHAT_WEBHOOK_URL=url,
        PUBLIC_URL="https://reviewq.example.com",
    )
    users.create_user(
        db.session, Actor.system("t"), "sue@example.com", "Sue", "supervisor", 5, "long-enough-pw"
    )
    policy.set_rules(db.session, Actor.system("t"), [Rule("fraud", always_escalate=True)])
    db.session.commit()
    made = make_source("chat-bot")
    kit = SourceKit(app.test_client(), made.slug, made.secret, made.token)
    item = kit.submit(draft(title="Odd invoice", risk_tags=["fraud"])).get_json()
    eventually(lambda: received or None, what="chat message")
    assert received[0]["text"] == (
        f"Escalated: #{item['id']} Odd invoice (always-escalate tag: fraud) "
        f"https://reviewq.example.com/items/{item['id']}"
    )
