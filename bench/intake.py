"""Signed-intake throughput and latency under gunicorn on PostgreSQL, against a bare baseline.

    .venv/bin/python bench/intake.py [--seconds 10] [--concurrency 8] [--workers 2] [--rounds 2]
                                     [--profile FILE]

What it measures: ``POST /api/v1/sources/<slug>/items`` with a fresh, correctly signed
Standard Webhooks request each time (unique webhook-id and external_id, ~150-word draft),
counting only ``201 Created``, served by ``gunicorn -w N 'reviewq:create_app()'`` on a
throwaway PostgreSQL database. Beside it, the same gunicorn command serves bench/bare_app.py,
whose one route answers ``204`` and does nothing; it receives the very same signed requests,
so the load generator does identical work for both and the gap is what reviewq adds.
A second baseline, bench/minimal_app.py, is the least a signed intake can do by hand (verify
the HMAC, decode the JSON, one psycopg INSERT and COMMIT); it receives the same requests too.
Requests are signed just before sending (about 0.1 ms each), so timestamps are always fresh.
No risk policy is set, so every draft takes the built-in default rule (one query fewer).

Why the baseline runs in the same invocation: absolute req/s on a shared machine say little
(CPU model, neighbours, thermal state, the load generator sharing the cores). A ratio against
a bare endpoint measured minutes apart under the same conditions does. Runs alternate
(bare, minimal, intake, bare, ...) and the best of each is kept, so drift hits both sides.

The load generator runs in separate processes (one per connection, ``--concurrency`` of
them), each with one http.client connection reused while the server keeps it open; gunicorn's
default sync worker closes it after every response, so both endpoints pay a TCP connect.
Each run has a 2 s warm-up that is not counted. ``cpu ms`` is the CPU time the server's
workers used per request sent (warm-up included), read from /proc: unlike req/s it hardly
depends on what else the machine runs, and it is the part of the cost reviewq controls.
The target is intake >= 0.30 x bare (the goal: the hand-written minimum, about 0.35); both
ratios are printed with the verdict, and the exit status is 0 either way (1 only when setup
fails).

``--compare TREE`` serves the reviewq of another checkout as a fourth endpoint in the same
rounds (a before/after in one run; its schema must match).

``--profile FILE`` adds one more intake run with py-spy sampling both gunicorn workers
(``py-spy record --subprocesses --gil``: Python's own CPU, not the waits for the database);
the collapsed stacks go to FILE, and the samples taken inside a request are summed by
package and function (own time) and by reviewq function (with callees).
"""

from __future__ import annotations

import argparse
import http.client
import json
import multiprocessing as mp
import os
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.result import report  # noqa: E402
from reviewq.domain import signing  # noqa: E402
from tests.support.services import ServiceUnavailable, create_database, ensure_postgres  # noqa: E402

BIN = ROOT / ".venv" / "bin"
DEFAULT_PG = "postgresql+psycopg://127.0.0.1:5432/postgres"
REVIEWQ = "reviewq:create_app()"
BARE = ("--pythonpath", str(ROOT / "bench"), "bare_app:app")
MINIMAL = ("--pythonpath", str(ROOT / "bench"), "minimal_app:app")
WARMUP = 2.0
TARGET = 0.30
KINDS = ("bare", "minimal", "intake")
CONTENT = (
    "Dear customer,\n\nThank you for getting in touch about order #8812, and I am sorry the "
    "blender arrived with a cracked jug. I have checked your order history and confirmed that "
    "the item was delivered on 3 November and reported damaged the same day, which is well "
    "inside our thirty-day returns window. A full refund of **$42.00** has been issued to the "
    "card ending 4417; depending on your bank it should appear within three to five business "
    "days. You do not need to send the damaged blender back: please recycle the jug safely, "
    "and keep the base if it is useful to you. If you would prefer a replacement instead of "
    "the refund, just reply to this message within fourteen days and I will arrange it at no "
    "extra cost, with free express delivery. We have also passed the photos you sent to our "
    "packaging team so this does not happen again.\n\nKind regards,\nSam, Customer Care"
)
DRAFT = {
    "title": "Reply to ticket #8812",
    "content": CONTENT,
    "content_type": "text/markdown",
    "risk_tags": ["refund", "customer-facing"],
    "context": {
        "prompt": "Draft a reply to the customer; refunds under $50 need no manager approval.",
        "conversation": [
            {"role": "user", "content": "My blender arrived with a cracked jug. Refund please."},
            {"role": "assistant", "content": "Sorry to hear that! Could you send a photo?"},
            {"role": "user", "content": "Attached. Order 8812."},
        ],
    },
    "metadata": {"model": "demo-model-2", "confidence": 0.71, "cost_usd": 0.0031},
}


def load_worker(kind, port, creds, tag, window, results) -> None:
    """One connection sending signed drafts back to back; reports latencies inside the window."""
    start, warm_end, end = window
    slug, secret = creds["slug"], creds["secret"]
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C is the parent's to handle
    path, want = (f"/api/v1/sources/{slug}/items", 201) if kind != "bare" else ("/", 204)
    tail = json.dumps(DRAFT)[1:]  # everything after '{': only external_id changes per request
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    latencies, errors, n = [], 0, 0
    time.sleep(max(0.0, start - time.monotonic()))
    while time.monotonic() < end:
        n += 1
        body = f'{{"external_id": "bench-{tag}-{n}", {tail}'
        headers = signing.sign(secret, f"msg_{tag}_{n}", body, datetime.now(UTC))
        headers["Content-Type"] = "application/json"
        sent = time.monotonic()
        try:
            conn.request("POST", path, body.encode(), headers)
            response = conn.getresponse()
            response.read()
            ok = response.status == want
        except (OSError, http.client.HTTPException):
            conn.close()
            ok = False
        done = time.monotonic()
        if warm_end <= done < end:  # count what completes inside the timed window
            if ok:
                latencies.append(done - sent)
            else:
                errors += 1
    conn.close()
    results.put((latencies, errors, n))


def worker_cpu(master: int) -> float:
    """CPU seconds (user + system) used so far by the gunicorn workers of ``master``."""
    children = Path(f"/proc/{master}/task/{master}/children").read_text().split()
    total = 0
    for pid in children:
        try:
            fields = Path(f"/proc/{pid}/stat").read_text().rpartition(")")[2].split()
        except FileNotFoundError:
            continue  # a worker that gunicorn just replaced
        total += int(fields[11]) + int(fields[12])  # utime, stime (fields 14 and 15)
    return total / os.sysconf("SC_CLK_TCK")


def measure(kind, port, creds, args, run, master=None) -> dict:
    """One run against ``kind`` (one of ``KINDS``): warm-up, then --seconds counted; with
    ``master``, also the CPU its workers used per request over the whole run."""
    ctx = mp.get_context("fork")
    results = ctx.Queue()
    start = time.monotonic() + 0.3
    window = (start, start + WARMUP, start + WARMUP + args.seconds)
    procs = [
        ctx.Process(target=load_worker, args=(kind, port, creds, f"{run}-{i}", window, results))
        for i in range(args.concurrency)
    ]
    cpu_before = worker_cpu(master) if master else 0.0
    try:
        for p in procs:
            p.start()
        parts = [results.get(timeout=window[2] - time.monotonic() + 60) for _ in procs]
        cpu = worker_cpu(master) - cpu_before if master else float("nan")
    finally:
        for p in procs:
            if p.is_alive():
                p.terminate()
            p.join()
    lat = sorted(x for part in parts for x in part[0])
    sent = sum(part[2] for part in parts)
    return {
        "cpu": 1000 * cpu / sent if sent else float("nan"),
        "endpoint": kind,
        "requests": len(lat),
        "rate": len(lat) / args.seconds,
        "p50": percentile(lat, 0.50),
        "p99": percentile(lat, 0.99),
        "errors": sum(part[1] for part in parts),
    }


def percentile(ordered: list[float], q: float) -> float:
    """Nearest-rank percentile of sorted seconds, in milliseconds."""
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))] * 1000 if ordered else float("nan")


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def flask_cli(env, *args) -> str:
    cmd = [BIN / "flask", "--app", "reviewq", *args]
    done = subprocess.run(cmd, env=env, cwd=ROOT, capture_output=True, text=True)
    if done.returncode:
        raise SystemExit(f"setup failed: flask {' '.join(args[:2])}:\n{done.stderr.strip()}")
    return done.stdout


def start_gunicorn(servers, env, log_path, workers, probe, *app, cwd=ROOT) -> int:
    """Start gunicorn (added to ``servers`` at once); return its port once ``probe`` answers."""
    port = free_port()
    with open(log_path, "ab") as log:
        cmd = [BIN / "gunicorn", "-w", str(workers), "-b", f"127.0.0.1:{port}", *app]
        servers.append(subprocess.Popen(cmd, env=env, cwd=cwd, stdout=log, stderr=log))
    deadline = time.monotonic() + 30
    while True:
        try:
            conn = http.client.HTTPConnection("127.0.0.1", port, timeout=5)
            conn.request("GET", probe)
            status = conn.getresponse().status
            conn.close()
            if status < 500:
                return port
        except (OSError, http.client.HTTPException):
            pass
        if servers[-1].poll() is not None or time.monotonic() > deadline:
            tail = Path(log_path).read_text(errors="replace")[-2000:]
            raise SystemExit(f"setup failed: gunicorn {app[-1]} did not come up:\n{tail}")
        time.sleep(0.2)


def stop(proc: subprocess.Popen) -> None:
    if proc.poll() is None:
        proc.terminate()
        try:
            proc.wait(timeout=15)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()


def pg_context(url: str) -> str:
    import psycopg

    with psycopg.connect(url.replace("+psycopg", ""), connect_timeout=3) as conn:
        version = conn.execute("SHOW server_version").fetchone()[0].split()[0]
        sync = conn.execute("SHOW synchronous_commit").fetchone()[0]
    return f"PostgreSQL {version} (synchronous_commit={sync})"


def profile(pid: int, port: int, creds: dict, args, out: Path) -> None:
    """One more intake run with py-spy sampling gunicorn's workers; prints the top frames."""
    cmd = [BIN / "py-spy", "record", "--pid", str(pid), "--subprocesses", "--gil"]
    cmd += ["--format", "raw", "--rate", "250", "--output", str(out)]
    cmd += ["--duration", str(int(WARMUP + args.seconds))]
    spy = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    time.sleep(1.0)  # py-spy attaches to every worker before the load starts
    r = measure("intake", port, creds, args, run="p")
    _, err = spy.communicate(timeout=60)
    if not out.exists():
        raise SystemExit(f"py-spy wrote no profile:\n{err.strip()}")
    print(row(r, "profiled"))
    print_profile(out.read_text())


def print_profile(collapsed: str) -> None:
    """The samples taken inside a request while holding the GIL (Python's own CPU time; a
    worker waiting for a client or the database releases it): own time by package and by
    function, and the total (with callees) of reviewq's own functions."""
    own: dict[str, int] = {}
    packages: dict[str, int] = {}
    total: dict[str, int] = {}
    samples = 0
    for line in collapsed.splitlines():
        stack, _, count = line.rpartition(" ")
        frames = stack.split(";")
        inside = [i for i, f in enumerate(frames) if f.startswith("SyncWorker.handle_request")]
        if not inside:
            continue  # gunicorn between requests: accepting, closing, logging
        names = [_frame(f) for f in frames[inside[0] + 1 :]] or ["(gunicorn itself)"]
        n = int(count)
        samples += n
        own[names[-1]] = own.get(names[-1], 0) + n
        package = names[-1].rpartition("(")[2].split("/")[0].removesuffix(")")
        packages[package] = packages.get(package, 0) + n
        for name in {name for name in names if "(reviewq/" in name}:
            total[name] = total.get(name, 0) + n
    print(f"py-spy: {samples} CPU samples inside requests")
    titles = ("own time by package", "own time by function", "reviewq's functions with callees")
    for title, table in zip(titles, (packages, own, total), strict=True):
        print(f"{title}:")
        for name, n in sorted(table.items(), key=lambda kv: -kv[1])[:10]:
            print(f"  {100 * n / samples:5.1f}%  {name}")


def _frame(text: str) -> str:
    """``Class.function (package/module.py)`` from py-spy's ``function (path:line)``."""
    function, _, where = text.rpartition(" (")
    return f"{function} ({where.rpartition(':')[0]})"


def row(r: dict, label: str | None = None) -> str:
    return (
        f"{label or r['endpoint']:<10} {r['requests']:>9} {r['rate']:>9.1f} "
        f"{r['p50']:>8.2f} {r['p99']:>8.2f} {r['errors']:>7} {r['cpu']:>8.2f}"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--seconds", type=float, default=10.0, help="counted time per run")
    parser.add_argument("--concurrency", type=int, default=8, help="client connections")
    parser.add_argument("--workers", type=int, default=2, help="gunicorn workers per server")
    parser.add_argument("--rounds", type=int, default=2, help="rounds of 3 runs; best is kept")
    parser.add_argument("--profile", type=Path, help="also profile intake with py-spy into FILE")
    parser.add_argument(
        "--compare",
        type=Path,
        metavar="TREE",
        help="also serve the reviewq of another checkout (e.g. the commit before a change)",
    )
    args = parser.parse_args()
    load_before = os.getloadavg()[0]  # before our own setup adds to it

    try:
        server = ensure_postgres(os.environ.get("TEST_DATABASE_URL") or DEFAULT_PG)
    except ServiceUnavailable as exc:
        raise SystemExit(f"setup failed: {exc}") from None
    db_url, drop = create_database(server, prefix="reviewq_bench")
    tmp = Path(tempfile.mkdtemp(prefix="reviewq-bench-"))
    servers = []
    env = {
        **os.environ,
        "DATABASE_URL": db_url,
        "SECRET_KEY": secrets.token_hex(32),
        "REVIEWQ_INSTANCE_PATH": str(tmp / "instance"),
    }
    try:
        flask_cli(env, "db", "upgrade")
        email = "bench@example.com"
        user = f"users create --email {email} --name Bench --role admin --level 1 --password"
        flask_cli(env, *user.split(), secrets.token_hex(12))
        source = f"sources create bench-bot --name Bench --owner {email} --json"
        creds = json.loads(flask_cli(env, *source.split()))
        log = tmp / "gunicorn.log"
        ports = {"intake": start_gunicorn(servers, env, log, args.workers, "/healthz", REVIEWQ)}
        ports["bare"] = start_gunicorn(servers, env, log, args.workers, "/", *BARE)
        minimal_env = {**env, "BENCH_SOURCE": creds["slug"], "BENCH_SECRET": creds["secret"]}
        ports["minimal"] = start_gunicorn(servers, minimal_env, log, args.workers, "/", *MINIMAL)
        kinds = KINDS
        if args.compare:
            kinds += ("compare",)
            ports["compare"] = start_gunicorn(
                servers, env, log, args.workers, "/healthz", REVIEWQ, cwd=args.compare.resolve()
            )
        print(
            f"machine: {os.cpu_count()} CPUs, load average {load_before:.2f} at start, "
            f"{pg_context(db_url)}\nsettings: gunicorn {args.workers} sync workers per server, "
            f"concurrency {args.concurrency}, {args.seconds:g} s per run after {WARMUP:g} s "
            f"warm-up, {args.rounds} rounds (best kept)\n"
        )
        header = (
            f"{'endpoint':<10} {'requests':>9} {'req/s':>9} {'p50 ms':>8} {'p99 ms':>8} "
            f"errors {'cpu ms':>8}"
        )
        print(header + "   (each run)")
        best = {}
        for i in range(args.rounds):
            for kind in kinds:
                master = servers[list(ports).index(kind)].pid
                r = measure(kind, ports[kind], creds, args, run=f"{i}{kind[0]}", master=master)
                print(row(r, f"{kind} #{i + 1}"), flush=True)
                if kind not in best or r["rate"] > best[kind]["rate"]:
                    best[kind] = r
        print(f"\n{header}   (best of {args.rounds})")
        for kind in kinds:
            print(row(best[kind]))
        bare = best["bare"]["rate"] or float("nan")
        minimal, ratio = best["minimal"]["rate"] / bare, best["intake"]["rate"] / bare
        verdict = "PASS" if ratio >= TARGET else "FAIL"
        print(f"ratio minimal/bare = {minimal:.2f} (the hand-written minimum)")
        print(f"ratio intake/bare  = {ratio:.2f} (target >= {TARGET:.2f}): {verdict}")
        if args.compare:
            print(f"ratio compare/bare = {best['compare']['rate'] / bare:.2f} ({args.compare})")
        if args.profile:
            print()
            profile(servers[0].pid, ports["intake"], creds, args, args.profile)
        report(
            "intake",
            f"ratio {ratio:.2f} of bare ({best['intake']['rate']:.0f} vs "
            f"{best['bare']['rate']:.0f} req/s; the hand-written minimum {minimal:.2f})",
            f">= {TARGET:.2f} of bare",
            ratio >= TARGET,
            ratio=round(ratio, 3),
            minimal=round(minimal, 3),
        )
    finally:
        for proc in servers:
            stop(proc)
        drop()
        shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    try:
        main()
    except KeyboardInterrupt:
        sys.exit(130)
