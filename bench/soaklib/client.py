"""A small HTTP client for the soak's simulated people and AI systems, and the recorder of
every request it makes.

Like a browser behind a load balancer: keep-alive connections, cookies, no redirects
followed (each hop is its own timed request), and the web processes taken in turn; when
one does not answer, the same request goes to the next (a killed process is what the
load balancer takes out of rotation).
"""

from __future__ import annotations

import http.client
import threading
import time
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from urllib.parse import urlencode, urlsplit


@dataclass(frozen=True)
class Sample:
    """One request: what, when (monotonic seconds), how it ended (status 0: no answer)."""

    label: str
    began: float
    ended: float
    status: int
    port: int

    @property
    def seconds(self) -> float:
        return self.ended - self.began


@dataclass
class Recorder:
    """Every request of the run, from every thread."""

    samples: list[Sample] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)

    def add(self, sample: Sample) -> None:
        with self.lock:
            self.samples.append(sample)


@dataclass
class Response:
    status: int
    headers: dict[str, str]
    text: str

    @property
    def location(self) -> str:
        """The redirect's path ('' when none)."""
        return urlsplit(self.headers.get("location", "")).path

    def json(self) -> object:
        import json

        return json.loads(self.text)


class Unanswered(Exception):
    """No web process answered the request."""


class Client:
    """One person's (or one AI system's) connections, cookies and request log."""

    def __init__(self, ports: Sequence[int], recorder: Recorder, first: int = 0) -> None:
        self.ports = list(ports)
        self.recorder = recorder
        self.turn = first
        self.cookies: dict[str, str] = {}
        self.conns: dict[int, http.client.HTTPConnection] = {}

    def request(
        self,
        method: str,
        path: str,
        label: str,
        *,
        form: Mapping[str, object] | None = None,
        body: bytes | None = None,
        headers: Mapping[str, str] | None = None,
        tries: int = 2,
        pause: float = 0.0,
    ) -> Response:
        """Send one request, to the next web process in turn; on no answer, to the next.

        Args:
            tries: how many web processes to try (each try is recorded).
            pause: seconds to wait between tries.

        Raises:
            Unanswered: no try got an HTTP answer.
        """
        send = dict(headers or {})
        if form is not None:
            body = urlencode({k: str(v) for k, v in form.items()}).encode()
            send["Content-Type"] = "application/x-www-form-urlencoded"
        if self.cookies:
            send["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        for attempt in range(tries):
            port = self.ports[self.turn % len(self.ports)]
            self.turn += 1
            began = time.monotonic()
            try:
                answer = self._send(port, method, path, body, send)
            except (OSError, http.client.HTTPException):
                self._drop(port)
                self.recorder.add(Sample(label, began, time.monotonic(), 0, port))
                if attempt + 1 < tries and pause:
                    time.sleep(pause)
                continue
            self.recorder.add(Sample(label, began, time.monotonic(), answer.status, port))
            return answer
        raise Unanswered(f"{method} {path}")

    def _send(
        self, port: int, method: str, path: str, body: bytes | None, headers: dict[str, str]
    ) -> Response:
        conn = self.conns.get(port)
        if conn is None:
            conn = self.conns[port] = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
        conn.request(method, path, body, headers)
        raw = conn.getresponse()
        text = raw.read().decode("utf-8", "replace")
        for name, value in raw.getheaders():
            if name.lower() == "set-cookie":
                self._cookie(value)
        if raw.getheader("connection", "").lower() == "close" or raw.will_close:
            self._drop(port)
        return Response(raw.status, {k.lower(): v for k, v in raw.getheaders()}, text)

    def _cookie(self, header: str) -> None:
        pair, _, attributes = header.partition(";")
        name, _, value = pair.strip().partition("=")
        expired = "max-age=0" in attributes.lower().replace(" ", "")
        if expired or not value:
            self.cookies.pop(name, None)
        else:
            self.cookies[name] = value

    def _drop(self, port: int) -> None:
        conn = self.conns.pop(port, None)
        if conn is not None:
            conn.close()

    def close(self) -> None:
        for port in list(self.conns):
            self._drop(port)
