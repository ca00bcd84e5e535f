"""The simulated world: AI systems posting signed drafts (and withdrawing a few), reviewers
pressing Review next and deciding through the forms, supervisors resolving escalations.

Each actor is a thread with its own ``Client`` (connections, cookies) and its own random
generator; what the run needs for its checks goes into the shared ``Ledger``.
"""

from __future__ import annotations

import heapq
import html
import json
import random
import re
import threading
import time
from dataclasses import dataclass, field
from datetime import UTC, datetime

from standardwebhooks import Webhook

from .client import Client, Recorder, Response, Unanswered

PASSWORD = "soak-password-long-enough"
CSRF = re.compile(r'name="csrf-token" content="([^"]+)"')
VERSION = re.compile(r'name="version"[^>]*value="(\d+)"')
DECISION_FORM = re.compile(r'<form method="post" action="([^"]+)" id="decision-form"')
ESCALATION_CLAIM = re.compile(r'action="/escalations/(\d+)/claim"')
ITEM_PATH = re.compile(r"^/items/(\d+)$")
# Tag sets the AI systems send, with weights (the policy in soak.py gives them meaning).
TAG_MIX = [
    (["customer-facing"], 40),
    (["refund", "customer-facing"], 25),
    (["legal"], 20),
    (["fraud", "customer-facing"], 8),
    ([], 7),
]


@dataclass
class Ledger:
    """What the clients saw, for the checks: drafts accepted, withdrawals, claims."""

    accepted: dict[tuple[str, str], int] = field(default_factory=dict)  # (slug, ext) -> id
    refused: list[str] = field(default_factory=list)  # drafts never accepted, and why
    withdrawn: set[int] = field(default_factory=set)
    # (item id, version shown on the page) -> who was given it by Review next
    claims: dict[tuple[int, int], set[str]] = field(default_factory=dict)
    decisions: int = 0
    errors: list[str] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)

    def claimed(self, item_id: int, version: int, who: str) -> None:
        with self.lock:
            self.claims.setdefault((item_id, version), set()).add(who)

    def double_claims(self) -> list[tuple[int, int, set[str]]]:
        return [(i, v, who) for (i, v), who in self.claims.items() if len(who) > 1]


class AISystem(threading.Thread):
    """Posts signed drafts at ``rate`` per second until ``stop``; withdraws a few later."""

    def __init__(
        self,
        slug: str,
        secret: str,
        token: str,
        client: Client,
        ledger: Ledger,
        rate: float,
        stop: threading.Event,
        seed: int,
        withdraw_share: float = 0.04,
    ) -> None:
        super().__init__(name=f"ai-{slug}", daemon=True)
        self.slug, self.token, self.client, self.ledger = slug, token, client, ledger
        self.webhook = Webhook(secret)
        self.rate, self.stop, self.rng = rate, stop, random.Random(seed)
        self.withdraw_share = withdraw_share
        self.later: list[tuple[float, int]] = []  # (when, item id) to withdraw

    def run(self) -> None:
        n, next_at = 0, time.monotonic()
        while not self.stop.is_set():
            n += 1
            self.post(n)
            self.withdraw_due(time.monotonic())
            next_at += self.rng.expovariate(self.rate)
            self.stop.wait(max(0.0, next_at - time.monotonic()))
        self.withdraw_due(float("inf"))
        self.client.close()

    def post(self, n: int) -> None:
        tags = self.rng.choices([t for t, _ in TAG_MIX], [w for _, w in TAG_MIX])[0]
        external_id = f"{self.slug}-{n}"
        body = json.dumps(
            {
                "external_id": external_id,
                "title": f"Reply to ticket #{n} ({self.slug})",
                "content": f"Dear customer,\n\nAbout ticket {n}: " + "we checked it. " * 30,
                "content_type": "text/markdown",
                "risk_tags": tags,
                "context": {"prompt": "Draft a reply", "ticket": n},
                "metadata": {"model": "soak-model", "confidence": round(self.rng.random(), 2)},
            }
        )
        msg_id = f"msg_{self.slug}_{n}"
        path = f"/api/v1/sources/{self.slug}/items"
        for _ in range(60):  # the same webhook-id every time: a retry stores nothing twice
            now = datetime.now(UTC)  # always UTC: the library mis-signs other zones
            headers = {
                "Content-Type": "application/json",
                "webhook-id": msg_id,
                "webhook-timestamp": str(int(now.timestamp())),
                "webhook-signature": self.webhook.sign(msg_id, now, body),
            }
            try:
                answer = self.client.request(
                    "POST", path, "POST intake", body=body.encode(), headers=headers
                )
            except Unanswered:
                time.sleep(0.25)
                continue
            if answer.status in (200, 201):
                item_id = int(answer.json()["id"])  # type: ignore[index]
                with self.ledger.lock:
                    self.ledger.accepted[(self.slug, external_id)] = item_id
                # Always-escalating drafts are withdrawn more often, so withdrawals race
                # supervisors claiming their escalations (a deadlock once).
                share = 0.3 if "fraud" in tags else self.withdraw_share
                if self.rng.random() < share:
                    when = time.monotonic() + self.rng.uniform(0.2, 4.0)
                    heapq.heappush(self.later, (when, item_id))
                return
            if answer.status < 500:
                break
            time.sleep(0.25)
        with self.ledger.lock:
            self.ledger.refused.append(f"{self.slug} {external_id}")

    def withdraw_due(self, now: float) -> None:
        while self.later and self.later[0][0] <= now:
            _, item_id = heapq.heappop(self.later)
            auth = {"Authorization": f"Bearer {self.token}"}
            path = f"/api/v1/items/{item_id}/withdraw"
            try:
                answer = self.client.request("POST", path, "POST withdraw", headers=auth)
            except Unanswered:
                continue
            if answer.status == 200:
                with self.ledger.lock:
                    self.ledger.withdrawn.add(item_id)


class Person(threading.Thread):
    """A reviewer (or supervisor) in the browser: signs in through the form, then works."""

    def __init__(
        self,
        email: str,
        client: Client,
        ledger: Ledger,
        stop: threading.Event,
        seed: int,
        think: float,
    ) -> None:
        super().__init__(name=email, daemon=True)
        self.email, self.client, self.ledger, self.stop = email, client, ledger, stop
        self.rng, self.think = random.Random(seed), think
        self.csrf = ""
        self.item_id: int | None = None  # the item Review next gave us
        self.held: set[str] = set()  # escalations this supervisor claimed, not yet let go

    def call(self, method: str, path: str, label: str, **form: object) -> Response | None:
        """A request with the CSRF token on posts; None when nobody answered."""
        try:
            if method == "POST":
                return self.client.request(
                    method, path, label, form={"csrf_token": self.csrf, **form}
                )
            return self.client.request(method, path, label)
        except Unanswered:
            time.sleep(0.3)
            return None

    def sign_in(self) -> None:
        while not self.stop.is_set():
            page = self.call("GET", "/login", "GET /login")
            token = CSRF.search(page.text) if page else None
            if token is None:
                continue
            self.csrf = token.group(1)
            answer = self.call("POST", "/login", "POST /login", email=self.email, password=PASSWORD)
            if answer is None or answer.status != 302:
                continue
            queue = self.call("GET", "/queue", "GET /queue")
            token = CSRF.search(queue.text) if queue else None
            if token:
                self.csrf = token.group(1)  # the signed-in session's token
                return

    def run(self) -> None:
        try:
            self.sign_in()
            while not self.stop.is_set():
                self.work()
        except Exception as exc:  # a bug in the bench: report it, do not hang the run
            with self.ledger.lock:
                self.ledger.errors.append(f"{self.email}: {type(exc).__name__}: {exc}")
        finally:
            self.client.close()

    def work(self) -> None:
        self.review_once()

    def follow(self, answer: Response | None) -> None:
        """Remember the item a redirect opened (the next one after a decision), if any."""
        match = ITEM_PATH.match(answer.location) if answer is not None else None
        self.item_id = int(match.group(1)) if match else None

    def review_once(self) -> bool:
        """Review next (unless a decision already opened the next item), then decide it.

        Returns:
            Whether there was an item to decide.
        """
        if self.item_id is None:
            self.follow(self.call("POST", "/queue/next", "POST /queue/next"))
            if self.item_id is None:
                self.stop.wait(0.3 + self.rng.random() * 0.3)  # nothing for me right now
                return False
        item_id = self.item_id
        page = self.call("GET", f"/items/{item_id}", "GET /items/<id>")
        form = DECISION_FORM.search(page.text) if page else None
        version = VERSION.search(page.text) if page else None
        if page is None or form is None or version is None:
            self.item_id = None  # not ours any more (or nobody answered): ask again
            return False
        self.ledger.claimed(item_id, int(version.group(1)), self.email)
        self.stop.wait(self.think * self.rng.uniform(0.5, 1.5))
        fields = self.verdict(int(version.group(1)))
        answer = self.call("POST", html.unescape(form.group(1)), "POST decision", **fields)
        if answer is not None and answer.status == 302 and answer.location != f"/items/{item_id}":
            with self.ledger.lock:
                self.ledger.decisions += 1
        self.follow(answer)
        if self.item_id == item_id:
            self.item_id = None  # refused (stale, two-person rule): start again
        return True

    def verdict(self, version: int) -> dict[str, object]:
        roll = self.rng.random()
        fields: dict[str, object] = {"version": version, "active_seconds": f"{self.think:.2f}"}
        if roll < 0.74:
            return {**fields, "action": "approve"}
        if roll < 0.82:
            text = f"Dear customer,\n\nEdited by {self.email}: we checked it and it is fine."
            return {**fields, "action": "edit", "content": text}
        if roll < 0.93:
            reason = "Not fit to send (soak)"
            return {**fields, "action": "reject", "reason_code": "tone", "reason": reason}
        return {**fields, "action": "escalate", "reason": "Needs a supervisor (soak)"}


class Supervisor(Person):
    """Resolves open escalations (claim, open, decide); reviews the queue when none wait."""

    def work(self) -> None:
        if not self.resolve_once():
            self.review_once()

    def resolve_once(self) -> bool:
        if self.held:  # one we claimed but could not finish (nobody answered): again
            escalation = min(self.held)
        else:
            page = self.call("GET", "/escalations", "GET /escalations")
            open_ids = ESCALATION_CLAIM.findall(page.text) if page is not None else []
            if not open_ids:
                return False
            escalation = self.rng.choice(open_ids)
        path = f"/escalations/{escalation}/claim"
        claimed = self.call("POST", path, "POST /escalations/<id>/claim")
        match = ITEM_PATH.match(claimed.location) if claimed is not None else None
        if match is None:
            if claimed is not None:
                self.held.discard(escalation)  # resolved, or another supervisor has it
            return True
        self.held.add(escalation)
        item = self.call("GET", match.group(0), "GET /items/<id>")
        version = VERSION.search(item.text) if item else None
        if version is None:
            return True
        self.stop.wait(self.think * self.rng.uniform(0.5, 1.5))
        resolve = f"/escalations/{escalation}/resolve"
        for fields in self.resolutions(int(version.group(1))):
            answer = self.call("POST", resolve, "POST /escalations/<id>/resolve", **fields)
            if answer is not None and answer.location == "/escalations":
                self.held.discard(escalation)
                with self.ledger.lock:
                    self.ledger.decisions += 1
                return True
        path = f"/escalations/{escalation}/release"
        if self.call("POST", path, "POST /escalations/<id>/release") is not None:
            self.held.discard(escalation)
        return True

    def resolutions(self, version: int) -> list[dict[str, object]]:
        """What to try, in order: a pick, then a return (always allowed) as the fallback
        when the pick is refused (e.g. the supervisor already approved this text)."""
        base: dict[str, object] = {"version": version, "active_seconds": f"{self.think:.2f}"}
        roll = self.rng.random()
        back = {**base, "action": "return", "reason": "Check the figures again (soak)"}
        if roll < 0.6:
            first = {**base, "action": "approve"}
        elif roll < 0.8:
            first = {**base, "action": "reject", "reason_code": "other", "reason": "No (soak)"}
        elif roll < 0.9:
            text = f"Dear customer,\n\nRewritten by {self.email}."
            first = {**base, "action": "edit", "content": text}
        else:
            return [back]
        return [first, back]


def start_all(threads: list[threading.Thread]) -> None:
    for thread in threads:
        thread.start()


def client_for(ports: list[int], recorder: Recorder, index: int) -> Client:
    """A client that starts on web process ``index`` (so the load spreads from the start)."""
    return Client(ports, recorder, first=index)
