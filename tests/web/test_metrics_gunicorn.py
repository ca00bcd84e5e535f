"""/metrics under gunicorn with two workers, as production runs it: every scrape, whichever
worker answers it, gives the same figures, including refusals that either worker counted."""

from __future__ import annotations

import http.client
import os
import socket
import subprocess
import sys
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest

from tests.support.api import draft
from tests.web.test_metrics import TOKEN, samples

AGE = "reviewq_queue_oldest_age_seconds"  # grows between scrapes
GUNICORN = Path(sys.executable).with_name("gunicorn")


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _get(port: int, path: str, headers: dict[str, str]) -> tuple[int, str]:
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
    try:
        conn.request("GET", path, headers=headers)
        answer = conn.getresponse()
        return answer.status, answer.read().decode()
    finally:
        conn.close()


@pytest.mark.postgres_only
def test_two_workers_answer_every_scrape_alike(app, database_url, redis_url, source, tmp_path):
    port = _free_port()
    env = {
        **os.environ,
        "DATABASE_URL": database_url,
        "REDIS_URL": redis_url,
        "REVIEWQ_METRICS_TOKEN": TOKEN,
        "REVIEWQ_INSTANCE_PATH": app.instance_path,  # the test app's keys: no race to make them
        "REVIEWQ_ENV": "development",
    }
    log = (tmp_path / "gunicorn.log").open("wb")
    server = subprocess.Popen(
        [GUNICORN, "-w", "2", "-b", f"127.0.0.1:{port}", "reviewq:create_app()"],
        env=env,
        stdout=log,
        stderr=log,
    )
    auth = {"Authorization": f"Bearer {TOKEN}"}
    try:
        deadline = time.monotonic() + 30
        while True:
            try:
                if _get(port, "/readyz", {})[0] == 200:
                    break
            except OSError:
                pass
            assert server.poll() is None and time.monotonic() < deadline, "gunicorn did not start"
            time.sleep(0.2)

        def refused_so_far() -> float:
            status, text = _get(port, "/metrics", auth)
            assert status == 200
            return samples(text).get(
                ("reviewq_intake_refused_total", (("reason", "unauthorized"),)), 0
            )

        before = refused_so_far()
        assert source.submit(draft()).status_code == 201  # through the test app: in the database

        def post_refused(_: int) -> int:
            conn = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
            try:
                conn.request(
                    "POST",
                    f"/api/v1/sources/{source.slug}/items",
                    body=b"{}",
                    headers={"Content-Type": "application/json", "webhook-id": "msg_x"},
                )
                return conn.getresponse().status
            finally:
                conn.close()

        with ThreadPoolExecutor(8) as pool:
            assert set(pool.map(post_refused, range(20))) == {401}
            scrapes = list(pool.map(lambda _: _get(port, "/metrics", auth), range(24)))
        figures = [samples(text) for status, text in scrapes if status == 200]
        assert len(figures) == 24
        ages = [
            {key: value for key, value in figure.items() if key[0] == AGE} for figure in figures
        ]
        counts = [
            {key: value for key, value in figure.items() if key[0] != AGE} for figure in figures
        ]
        assert all(figure == counts[0] for figure in counts)  # the clock aside, all alike
        assert all(0 <= value < 60 for age in ages for value in age.values())
        first = figures[0]
        unauthorized = (("reason", "unauthorized"),)
        assert first[("reviewq_intake_refused_total", unauthorized)] - before == 20
        assert first[("reviewq_intake_accepted_total", (("source", source.slug),))] == 1
    finally:
        server.terminate()
        server.wait(timeout=15)
        log.close()
