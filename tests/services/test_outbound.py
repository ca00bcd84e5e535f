"""Callbacks go to the address that was checked: one resolution per try, every address
checked, the connection made to a checked address, the host name kept for ``Host``, TLS SNI
and the certificate check. The resolver (and, where the test needs a host on the public
internet, the TCP connect) is injected; the receivers are real servers on loopback."""

from __future__ import annotations

import socket
import ssl
import threading
from collections.abc import Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import pytest
import trustme

from reviewq.services import outbound

PUBLIC = "93.184.215.14"  # a public address; no test ever opens a connection to it


@dataclass
class Seen:
    """What a loopback receiver saw."""

    hosts: list[str] = field(default_factory=list)
    server_names: list[str | None] = field(default_factory=list)


@pytest.fixture
def make_server() -> Iterator[Any]:
    servers: list[ThreadingHTTPServer] = []

    def make(tls: ssl.SSLContext | None = None) -> tuple[int, Seen]:
        seen = Seen()

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:  # noqa: N802 (http.server's name)
                self.rfile.read(int(self.headers.get("Content-Length") or 0))
                seen.hosts.append(self.headers["Host"])
                self.send_response(204)
                self.end_headers()

            def log_message(self, *args: object) -> None:
                pass

        server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        if tls is not None:

            def sni(sock: ssl.SSLObject, name: str | None, context: ssl.SSLContext) -> None:
                seen.server_names.append(name)

            tls.sni_callback = sni  # type: ignore[assignment]
            server.socket = tls.wrap_socket(server.socket, server_side=True)
        threading.Thread(target=server.serve_forever, daemon=True).start()
        servers.append(server)
        return server.server_address[1], seen

    yield make
    for server in servers:
        server.shutdown()
        server.server_close()


def test_a_name_that_rebinds_to_loopback_is_never_connected_to(make_server) -> None:
    """Public to the first lookup, loopback afterwards: the first try connects to the
    public address it checked, the retry resolves again and is refused before connecting."""
    port, seen = make_server()
    answers = [[PUBLIC], ["127.0.0.1"], ["127.0.0.1"]]
    looked_up: list[str] = []
    connected: list[tuple[str, int]] = []

    def resolver(host: str, port: int) -> list[str]:
        looked_up.append(host)
        return answers.pop(0)

    def connect(address: tuple[str, int], timeout: float) -> socket.socket:
        connected.append(address)
        if address[0] == PUBLIC:  # stands in for the public host: not reachable from here
            raise ConnectionRefusedError("the public host refused")
        return socket.create_connection(address, timeout)

    url = f"http://rebind.example:{port}/hook"
    tries = [
        outbound.post(
            url, b"{}", {}, allow_private=False, timeout=2, resolver=resolver, connect=connect
        )
        for _ in range(2)
    ]

    assert looked_up == ["rebind.example", "rebind.example"]  # once per try, never twice
    assert connected == [(PUBLIC, port)]
    assert seen.hosts == []
    assert tries[0] == outbound.Answer(0, error="ConnectionRefusedError: the public host refused")
    assert tries[1] == outbound.Answer(
        0, error="refused: rebind.example resolves to a non-public address"
    )


def test_every_address_of_a_name_is_checked() -> None:
    connected: list[tuple[str, int]] = []

    def connect(address: tuple[str, int], timeout: float) -> socket.socket:
        connected.append(address)
        raise AssertionError("no connection may be opened")

    answer = outbound.post(
        "https://mixed.example/hook",
        b"{}",
        {},
        allow_private=False,
        timeout=2,
        resolver=lambda host, port: [PUBLIC, "64:ff9b::a9fe:a9fe"],
        connect=connect,
    )
    assert answer.error == "refused: mixed.example resolves to a non-public address"
    assert connected == []


def test_the_connection_goes_to_the_resolved_address_with_the_name_as_host(make_server) -> None:
    """``pinned.example`` resolves nowhere but through the injected resolver: the request
    can only arrive if it was sent to that answer, and it still names the host."""
    port, seen = make_server()
    answer = outbound.post(
        f"http://pinned.example:{port}/hook?x=1",
        b"{}",
        {"Content-Type": "application/json"},
        allow_private=True,
        timeout=5,
        resolver=lambda host, port: ["127.0.0.1"],
    )
    assert answer == outbound.Answer(204)
    assert seen.hosts == [f"pinned.example:{port}"]


@pytest.fixture(scope="module")
def ca() -> trustme.CA:
    return trustme.CA()


def _server_tls(ca: trustme.CA, name: str) -> ssl.SSLContext:
    context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    ca.issue_cert(name).configure_cert(context)
    return context


def _client_tls(ca: trustme.CA) -> ssl.SSLContext:
    context = ssl.create_default_context()
    ca.configure_trust(context)
    return context


def test_https_to_a_pinned_address_checks_the_certificate_of_the_name(
    make_server, ca: trustme.CA
) -> None:
    port, seen = make_server(_server_tls(ca, "hooks.example"))
    answer = outbound.post(
        f"https://hooks.example:{port}/hook",
        b"{}",
        {},
        allow_private=True,
        timeout=5,
        resolver=lambda host, port: ["127.0.0.1"],
        tls=_client_tls(ca),
    )
    assert answer == outbound.Answer(204)
    assert seen.server_names == ["hooks.example"]  # SNI names the host, not the address
    assert seen.hosts == [f"hooks.example:{port}"]


def test_https_refuses_a_certificate_for_another_name(make_server, ca: trustme.CA) -> None:
    port, seen = make_server(_server_tls(ca, "someone-else.example"))
    answer = outbound.post(
        f"https://hooks.example:{port}/hook",
        b"{}",
        {},
        allow_private=True,
        timeout=5,
        resolver=lambda host, port: ["127.0.0.1"],
        tls=_client_tls(ca),
    )
    assert answer.status == 0
    assert "CERTIFICATE_VERIFY_FAILED" in (answer.error or "")
    assert seen.hosts == []
