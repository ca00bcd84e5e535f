"""HTTP to a URL that AI sources chose, without letting them reach inside our network.

The host is resolved once per call, every address is checked, and the connection goes to
an address that was checked: it is never resolved a second time, so a name that answers a
public address to the check and a private one to the connect (DNS rebinding) gets nowhere.
The request still names the host (``Host`` header; TLS SNI and certificate verification
for the name), so virtual hosts and HTTPS work as with any client. Redirects are answers,
never followed.
"""

from __future__ import annotations

import http.client
import socket
import ssl
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from urllib.parse import urlsplit

from ..domain.callbacks import is_public_address

# host, port -> the addresses to try, in order (``socket.getaddrinfo`` by default).
Resolver = Callable[[str, int], Sequence[str]]
# (address, port), timeout -> a connected socket (``socket.create_connection`` by default).
Connector = Callable[[tuple[str, int], float], socket.socket]


def system_resolver(host: str, port: int) -> list[str]:
    """The addresses ``host`` resolves to, in the system's order, without repeats."""
    infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    return list(dict.fromkeys(str(info[4][0]) for info in infos))


def _connect(address: tuple[str, int], timeout: float) -> socket.socket:
    return socket.create_connection(address, timeout)


class Refused(Exception):
    """The URL may not be called; the message says why, for the operator."""


@dataclass(frozen=True)
class Target:
    """A URL with the checked addresses to connect to."""

    scheme: str
    host: str
    port: int
    path: str
    addresses: tuple[str, ...]


@dataclass(frozen=True)
class Answer:
    """What the receiver said (status 0: no HTTP answer at all)."""

    status: int
    retry_after: str | None = None
    error: str | None = None


def resolve(url: str, allow_private: bool, resolver: Resolver = system_resolver) -> Target:
    """Resolve ``url``'s host once and check every address it gave.

    Args:
        url: an http(s) URL.
        allow_private: development and tests may call loopback and private addresses.
        resolver: how names become addresses (tests inject one).

    Raises:
        Refused: not an http(s) URL with a host, the name does not resolve, or (unless
            ``allow_private``) any address it resolves to is not public.
    """
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise Refused("must be an http(s) URL with a host")
    try:
        port = parts.port or (443 if parts.scheme == "https" else 80)
    except ValueError:
        raise Refused("the port is not a number from 0 to 65535") from None
    host = parts.hostname
    try:
        addresses = tuple(resolver(host, port))
    except (OSError, UnicodeError) as exc:
        raise Refused(f"cannot resolve {host}: {exc}") from None
    if not addresses:
        raise Refused(f"cannot resolve {host}: no address")
    if not allow_private and not all(is_public_address(a) for a in addresses):
        raise Refused(f"refused: {host} resolves to a non-public address")
    path = (parts.path or "/") + (f"?{parts.query}" if parts.query else "")
    return Target(parts.scheme, host, port, path, addresses)


class _PinnedHTTP(http.client.HTTPConnection):
    """An HTTP connection to ``host`` that connects to one given address."""

    def __init__(self, target: Target, address: str, timeout: float, connect: Connector):
        super().__init__(target.host, target.port, timeout=timeout)
        self.address, self.connector, self.seconds = address, connect, timeout

    def connect(self) -> None:
        self.sock = self.connector((self.address, self.port), self.seconds)


class _PinnedHTTPS(_PinnedHTTP):
    """HTTPS to one given address, with SNI and certificate checks for the host name."""

    default_port = http.client.HTTPS_PORT

    def __init__(
        self,
        target: Target,
        address: str,
        timeout: float,
        connect: Connector,
        tls: ssl.SSLContext,
    ):
        super().__init__(target, address, timeout, connect)
        self.tls = tls

    def connect(self) -> None:
        super().connect()
        self.sock = self.tls.wrap_socket(self.sock, server_hostname=self.host)


def post(
    url: str,
    body: bytes,
    headers: dict[str, str],
    *,
    allow_private: bool,
    timeout: float,
    resolver: Resolver = system_resolver,
    connect: Connector = _connect,
    tls: ssl.SSLContext | None = None,
) -> Answer:
    """POST once to an address of ``url`` that was checked; never raises.

    The addresses are tried in the resolver's order until one accepts the connection.

    Args:
        url: where to.
        body: the exact bytes to send.
        headers: request headers (``Host`` comes from the URL).
        allow_private: see ``resolve``.
        timeout: seconds for the connection and for each read.
        resolver: how names become addresses (tests inject one).
        connect: opens the TCP connection to an address (tests inject one).
        tls: the TLS context for https (default: the system's trust store).
    """
    try:
        target = resolve(url, allow_private, resolver)
    except Refused as exc:
        return Answer(0, error=str(exc))
    failure: Exception | None = None
    for address in target.addresses:
        conn: _PinnedHTTP
        if target.scheme == "https":
            context = tls or ssl.create_default_context()
            conn = _PinnedHTTPS(target, address, timeout, connect, context)
        else:
            conn = _PinnedHTTP(target, address, timeout, connect)
        try:
            try:
                conn.connect()
            except OSError as exc:  # refused, unreachable, TLS: the next address may do
                failure = exc
                continue
            conn.request("POST", target.path, body=body, headers=headers)
            response = conn.getresponse()
        except (OSError, ValueError, http.client.HTTPException) as exc:
            # HTTPException: an answer that is not HTTP (BadStatusLine, IncompleteRead, ...).
            return Answer(0, error=f"{type(exc).__name__}: {exc}")
        finally:
            conn.close()
        ok = 200 <= response.status < 300
        return Answer(
            response.status,
            response.getheader("Retry-After"),
            None if ok else f"HTTP {response.status}",
        )
    return Answer(0, error=f"{type(failure).__name__}: {failure}")


def target_problem(
    url: str, allow_private: bool, resolver: Resolver = system_resolver
) -> str | None:
    """Why callbacks may not go to ``url``, or None when they may (checked at registration;
    every call checks again)."""
    if allow_private:
        parts = urlsplit(url)
        if parts.scheme in ("http", "https") and parts.hostname:
            return None  # development: the name need not resolve yet
    try:
        resolve(url, allow_private, resolver)
    except Refused as exc:
        return str(exc)
    return None
