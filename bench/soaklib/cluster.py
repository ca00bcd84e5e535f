"""The processes of a scaled-out reviewq: two gunicorn web processes, two RQ workers, one
scheduler, a throwaway Redis, against one PostgreSQL database; killed and restarted on cue.

Every process runs in a session of its own, so a kill (``SIGKILL`` to its process group)
takes its children with it, as when a machine or a container dies: gunicorn's workers die
mid-request with their master, an RQ work horse mid-callback with its worker.
"""

from __future__ import annotations

import contextlib
import functools
import http.client
import os
import shutil
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def free_port() -> int:
    """A TCP port on 127.0.0.1 that is unused right now."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def answers(port: int, path: str = "/login") -> bool:
    """Whether an HTTP server on ``port`` answers ``path`` with anything below 500."""
    try:
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=5)
        conn.request("GET", path)
        status = conn.getresponse().status
        conn.close()
        return status < 500
    except (OSError, http.client.HTTPException):
        return False


def redis_answers(port: int) -> bool:
    """Whether a Redis server on ``port`` answers PING."""
    try:
        with socket.create_connection(("127.0.0.1", port), timeout=2) as sock:
            sock.sendall(b"PING\r\n")
            return sock.recv(16).startswith(b"+PONG")
    except OSError:
        return False


@dataclass
class Proc:
    """One long-running process of the cluster, restartable with the same command."""

    name: str
    argv: list[str]
    env: dict[str, str]
    log: Path
    ready: Callable[[], bool] = lambda: True
    popen: subprocess.Popen[bytes] | None = None
    starts: int = 0

    def start(self, timeout: float = 60.0) -> None:
        """Start it and wait until ``ready`` says it serves."""
        with open(self.log, "ab") as log:
            log.write(f"\n=== start #{self.starts + 1} of {self.name}\n".encode())
            log.flush()
            self.popen = subprocess.Popen(
                self.argv,
                env=self.env,
                cwd=ROOT,
                stdout=log,
                stderr=subprocess.STDOUT,
                start_new_session=True,
            )
        self.starts += 1
        deadline = time.monotonic() + timeout
        while not self.ready():
            if self.popen.poll() is not None or time.monotonic() > deadline:
                tail = self.log.read_text(errors="replace")[-3000:]
                raise RuntimeError(f"{self.name} did not come up:\n{tail}")
            time.sleep(0.1)

    def kill(self) -> None:
        """SIGKILL the process and everything it started."""
        assert self.popen is not None
        with contextlib.suppress(ProcessLookupError):
            os.killpg(self.popen.pid, signal.SIGKILL)
        self.popen.wait()

    def stop(self) -> None:
        """Ask it to stop (SIGTERM to its group); kill it if it has not within 10 s."""
        if self.popen is None or self.popen.poll() is not None:
            return
        try:
            os.killpg(self.popen.pid, signal.SIGTERM)
            self.popen.wait(timeout=10)
        except ProcessLookupError:
            pass
        except subprocess.TimeoutExpired:
            self.kill()


@dataclass
class KillWindow:
    """From the kill until the restarted process served again, plus a grace period."""

    name: str
    start: float  # time.monotonic()
    end: float = float("inf")

    def covers(self, began: float, ended: float) -> bool:
        return began <= self.end and ended >= self.start


@dataclass
class Cluster:
    """The processes, started against ``database_url``; ``tmp`` holds logs and Redis."""

    database_url: str
    tmp: Path
    web_workers: int = 2
    sweep_every: int = 5
    extra_env: dict[str, str] = field(default_factory=dict)
    procs: dict[str, Proc] = field(default_factory=dict)
    windows: list[KillWindow] = field(default_factory=list)
    redis_port: int = 0
    web_ports: list[int] = field(default_factory=list)

    @property
    def redis_url(self) -> str:
        return f"redis://127.0.0.1:{self.redis_port}/0"

    def env(self) -> dict[str, str]:
        """The environment every reviewq process shares (one config, many processes)."""
        return {
            **os.environ,
            "PYTHONPATH": str(ROOT),
            "REVIEWQ_ENV": "development",
            "DATABASE_URL": self.database_url,
            "REDIS_URL": self.redis_url,
            "REVIEWQ_INSTANCE_PATH": str(self.tmp / "instance"),
            "REVIEWQ_ALLOW_PRIVATE_CALLBACKS": "1",  # the receiver listens on 127.0.0.1
            **self.extra_env,
        }

    def flask(self, *args: str) -> str:
        """Run ``flask --app reviewq ARGS`` once; its output (raises on failure)."""
        done = subprocess.run(
            [sys.executable, "-m", "flask", "--app", "reviewq", *args],
            env=self.env(),
            cwd=ROOT,
            capture_output=True,
            text=True,
        )
        if done.returncode:
            raise RuntimeError(f"flask {' '.join(args)} failed:\n{done.stdout}{done.stderr}")
        return done.stdout

    def build(self) -> None:
        """Define the processes (nothing started yet)."""
        self.redis_port = free_port()
        self.web_ports = [free_port(), free_port()]
        redis_dir = self.tmp / "redis"
        redis_dir.mkdir(parents=True, exist_ok=True)
        binary = shutil.which("redis-server") or "redis-server"
        redis_argv = [binary, "--port", str(self.redis_port), "--bind", "127.0.0.1"]
        redis_argv += ["--save", "", "--appendonly", "no", "--dir", str(redis_dir)]
        self._add("redis", redis_argv, lambda: redis_answers(self.redis_port))
        py = sys.executable
        for i, port in enumerate(self.web_ports, 1):
            argv = [py, "-m", "gunicorn", "--workers", str(self.web_workers)]
            argv += ["--bind", f"127.0.0.1:{port}", "reviewq:create_app()"]
            self._add(f"web{i}", argv, functools.partial(answers, port))
        for i in (1, 2):
            self._add(f"worker{i}", [py, "-m", "reviewq.worker"])
        every = ["--every", str(self.sweep_every)]
        self._add("scheduler", [py, "-m", "flask", "--app", "reviewq", "scheduler", *every])

    def _add(self, name: str, argv: list[str], ready: Callable[[], bool] = lambda: True) -> None:
        self.procs[name] = Proc(name, argv, self.env(), self.tmp / f"{name}.log", ready)

    def start(self, name: str) -> None:
        self.procs[name].start()

    def kill_and_restart(self, name: str, down: float, grace: float) -> KillWindow:
        """SIGKILL ``name``, wait ``down`` seconds, start it again; the window is recorded."""
        window = KillWindow(name, time.monotonic())
        self.windows.append(window)
        self.procs[name].kill()
        time.sleep(down)
        self.procs[name].start()
        window.end = time.monotonic() + grace
        return window

    def stop_all(self) -> None:
        for proc in reversed(list(self.procs.values())):
            proc.stop()

    def logs(self, *names: str) -> str:
        """The logs of ``names`` (all when none), concatenated."""
        chosen = names or tuple(self.procs)
        return "".join(
            self.procs[n].log.read_text(errors="replace")
            for n in chosen
            if self.procs[n].log.exists()
        )
