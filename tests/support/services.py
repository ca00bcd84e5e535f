"""Make sure PostgreSQL and Redis are reachable for the test suite.

Each ``ensure_*`` function returns the given URL when a server already answers
there; otherwise it starts a throwaway server on a free 127.0.0.1 port, stops
it (and removes its files) at interpreter exit, and returns that server's URL.
"""

from __future__ import annotations

import atexit
import getpass
import glob
import os
import pwd
import secrets
import shutil
import socket
import subprocess
import tempfile
import time
from collections.abc import Callable
from urllib.parse import urlsplit, urlunsplit


class ServiceUnavailable(RuntimeError):
    """A required service is not reachable and could not be started."""


def _free_port() -> int:
    """Return a TCP port on 127.0.0.1 that is currently unused."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _libpq_url(url: str) -> str:
    """Turn ``postgresql+psycopg://...`` into a libpq ``postgresql://...`` URL."""
    scheme, rest = url.split("://", 1)
    return f"{scheme.split('+', 1)[0]}://{rest}"


def _pg_ok(url: str) -> bool:
    """Return True if a psycopg connection to ``url`` succeeds."""
    import psycopg

    try:
        psycopg.connect(_libpq_url(url), connect_timeout=3).close()
        return True
    except psycopg.Error:
        return False


def _find_pg_bin(name: str) -> str | None:
    """Locate a PostgreSQL server binary on PATH or under /usr/lib/postgresql."""
    found = shutil.which(name)
    if found:
        return found
    candidates = sorted(glob.glob(f"/usr/lib/postgresql/*/bin/{name}"), reverse=True)
    return candidates[0] if candidates else None


def ensure_postgres(url: str) -> str:
    """Return a URL of a reachable PostgreSQL admin database.

    Args:
        url: SQLAlchemy-style URL, e.g.
            ``postgresql+psycopg://root@127.0.0.1:5432/postgres``.

    Returns:
        ``url`` unchanged if it accepts connections, else the URL of the
        ``postgres`` database of a freshly started throwaway server.

    Raises:
        ServiceUnavailable: No server is reachable and none could be started.
    """
    if _pg_ok(url):
        return url
    initdb, pg_ctl = _find_pg_bin("initdb"), _find_pg_bin("pg_ctl")
    if not (initdb and pg_ctl):
        raise ServiceUnavailable(
            f"PostgreSQL is not reachable at {url} and no initdb/pg_ctl on PATH: "
            "install PostgreSQL (Debian: apt install postgresql) or set TEST_DATABASE_URL"
        )
    base = tempfile.mkdtemp(prefix="reviewq-pg-")
    data, log = os.path.join(base, "data"), os.path.join(base, "postgres.log")
    prefix: list[str] = []
    user = getpass.getuser()
    if os.geteuid() == 0:  # initdb refuses to run as root: use the postgres user
        try:
            pw = pwd.getpwnam("postgres")
        except KeyError:
            shutil.rmtree(base, ignore_errors=True)
            raise ServiceUnavailable(
                f"PostgreSQL is not reachable at {url} and initdb cannot run as root "
                "without a 'postgres' OS user: start PostgreSQL or set TEST_DATABASE_URL"
            ) from None
        os.chown(base, pw.pw_uid, pw.pw_gid)
        prefix, user = ["runuser", "-u", "postgres", "--"], "postgres"
    port = _free_port()
    opts = (
        f"-p {port} -k {base} -c listen_addresses=127.0.0.1 "
        "-c fsync=off -c full_page_writes=off -c synchronous_commit=off"
    )

    def stop() -> None:
        subprocess.run(
            [*prefix, pg_ctl, "stop", "-D", data, "-m", "immediate"],
            capture_output=True,
            check=False,
        )
        shutil.rmtree(base, ignore_errors=True)

    new_url = f"postgresql+psycopg://{user}@127.0.0.1:{port}/postgres"
    try:
        for cmd in (
            [initdb, "-D", data, "-U", user, "--auth=trust", "-E", "UTF8"],
            [pg_ctl, "start", "-w", "-t", "30", "-D", data, "-l", log, "-o", opts],
        ):
            subprocess.run([*prefix, *cmd], check=True, capture_output=True, text=True)
        deadline = time.monotonic() + 30
        while not _pg_ok(new_url):
            if time.monotonic() > deadline:
                raise TimeoutError("server did not accept connections within 30 s")
            time.sleep(0.2)
    except (OSError, subprocess.CalledProcessError, TimeoutError) as exc:
        lines = str(getattr(exc, "stderr", None) or exc).strip().splitlines() or [repr(exc)]
        why = next((ln for ln in lines if "error" in ln or "could not" in ln), lines[-1])
        stop()
        raise ServiceUnavailable(
            f"PostgreSQL is not reachable at {url} and starting a throwaway server "
            f"failed ({why.strip()}): install PostgreSQL "
            "(Debian: apt install postgresql) or set TEST_DATABASE_URL"
        ) from exc
    atexit.register(stop)
    return new_url


_REDIS_OPTS = "--bind 127.0.0.1 --appendonly no --daemonize no"


def _redis_ok(url: str) -> bool:
    """Return True if a Redis PING to ``url`` succeeds."""
    import redis

    try:
        with redis.Redis.from_url(url, socket_connect_timeout=2, socket_timeout=2) as client:
            return bool(client.ping())
    except redis.RedisError:
        return False


def ensure_redis(url: str) -> str:
    """Return a URL of a reachable Redis server.

    Args:
        url: Redis URL, e.g. ``redis://127.0.0.1:6379/0``.

    Returns:
        ``url`` unchanged if it answers PING, else the URL (database 0) of a
        freshly started throwaway ``redis-server``.

    Raises:
        ServiceUnavailable: No server is reachable and none could be started.
    """
    if _redis_ok(url):
        return url
    binary = shutil.which("redis-server")
    if not binary:
        raise ServiceUnavailable(
            f"Redis is not reachable at {url} and no redis-server on PATH: "
            "install Redis (Debian: apt install redis-server) or set TEST_REDIS_URL"
        )
    base = tempfile.mkdtemp(prefix="reviewq-redis-")
    port = _free_port()
    with open(os.path.join(base, "redis.log"), "wb") as log:
        proc = subprocess.Popen(
            [binary, "--dir", base, "--save", "", *f"--port {port} {_REDIS_OPTS}".split()],
            stdout=log,
            stderr=subprocess.STDOUT,
        )

    def stop() -> None:
        proc.terminate()
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()
        shutil.rmtree(base, ignore_errors=True)

    new_url = f"redis://127.0.0.1:{port}/0"
    deadline = time.monotonic() + 30
    while not _redis_ok(new_url):
        if proc.poll() is not None or time.monotonic() > deadline:
            stop()
            raise ServiceUnavailable(
                f"Redis is not reachable at {url} and starting redis-server failed "
                f"(exit code {proc.returncode}): install Redis "
                "(Debian: apt install redis-server) or set TEST_REDIS_URL"
            )
        time.sleep(0.1)
    atexit.register(stop)
    return new_url


def create_database(admin_url: str, prefix: str = "reviewq_test") -> tuple[str, Callable[[], None]]:
    """Create a uniquely named throwaway database.

    Args:
        admin_url: SQLAlchemy-style URL of a database on the target server
            (as returned by :func:`ensure_postgres`).
        prefix: Name prefix; the pid and random hex digits are appended.

    Returns:
        ``(url, drop)``: the new database's URL in the same form as
        ``admin_url``, and a function that terminates its other connections
        and drops it.
    """
    import psycopg
    from psycopg import sql

    name = f"{prefix}_{os.getpid()}_{secrets.token_hex(4)}"
    with psycopg.connect(_libpq_url(admin_url), autocommit=True, connect_timeout=3) as conn:
        conn.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))

    def drop() -> None:
        with psycopg.connect(_libpq_url(admin_url), autocommit=True, connect_timeout=3) as conn:
            conn.execute(
                "SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
                "WHERE datname = %s AND pid <> pg_backend_pid()",
                (name,),
            )
            conn.execute(sql.SQL("DROP DATABASE IF EXISTS {}").format(sql.Identifier(name)))

    return urlunsplit(urlsplit(admin_url)._replace(path=f"/{name}")), drop
