"""Notifications by email carry a link only for those who may open it."""

from __future__ import annotations

import socketserver
import threading
from datetime import timedelta

import pytest
import sqlalchemy as sa

from reviewq.domain.authority import Actor
from reviewq.domain.policy import Rule
from reviewq.extensions import db
from reviewq.models import Notification
from reviewq.models.types import utcnow
from reviewq.services import channels, escalations, policy, users
from tests.support.api import draft


@pytest.fixture
def mailbox():
    """A small SMTP server on loopback that keeps each message it is given."""
    received: list[str] = []

    class Handler(socketserver.StreamRequestHandler):
        def handle(self) -> None:
            self.wfile.write(b"220 test\r\n")
            while line := self.rfile.readline():
                verb = line[:4].upper()
                if verb == b"DATA":
                    self.wfile.write(b"354 go on\r\n")
                    body = b""
                    while (chunk := self.rfile.readline()) not in (b".\r\n", b""):
                        body += chunk
                    received.append(body.decode())
                    self.wfile.write(b"250 kept\r\n")
                elif verb == b"QUIT":
                    self.wfile.write(b"221 bye\r\n")
                    return
                else:
                    self.wfile.write(b"250 ok\r\n")

    server = socketserver.ThreadingTCPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"smtp://127.0.0.1:{server.server_address[1]}", received
    server.shutdown()
    server.server_close()
    thread.join()


def test_a_moved_up_escalation_emails_supervisors_never_managers_or_admins(
    make_app, database_url, source, mailbox
):
    url, received = mailbox
    app = make_app(SQLALCHEMY_DATABASE_URI=database_url, SMTP_URL=url, PUBLIC_URL="https://rq")
    with app.app_context():
        for role in ("supervisor", "manager", "admin"):
            users.create_user(
                db.session,
                Actor.system("t"),
                f"{role}@example.com",
                role,
                role,
                1,
                "long-enough-pw",
            )
        policy.set_rules(db.session, Actor.system("t"), [Rule("fraud", always_escalate=True)])
        db.session.commit()
    item = source.submit(draft(title="Odd invoice", risk_tags=["fraud"])).get_json()["id"]
    with app.app_context():
        escalations.move_up_stale(db.session, utcnow() + timedelta(hours=1))
        db.session.commit()
        ids = db.session.scalars(sa.select(Notification.id)).all()
        settings = channels.Settings.of(app.config)
        assert channels.send(db.session, settings, list(ids)) == 2  # level 1, then level 2
    recipients = {m.split("To: ", 1)[1].split("@", 1)[0] for m in received}
    assert recipients == {"supervisor"}  # managers and admins cannot resolve it
    assert all(f"https://rq/items/{item}" in m for m in received)
