"""How jobs are wired: names checked when they are enqueued, the worker builds the app once
per process, services record jobs without Flask."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
import sqlalchemy as sa
from redis import Redis

from reviewq.extensions import db
from reviewq.jobs import UnknownJob
from reviewq.services import pending
from tests.jobs.support import Harness, Receiver
from tests.support.api import SourceKit, draft

ROOT = Path(__file__).resolve().parents[2]


@pytest.mark.parametrize("redis", [True, False], ids=["rq", "embedded"])
def test_an_unknown_job_name_fails_when_it_is_enqueued(make_rq_app, rq_redis: Redis, redis):
    app = make_rq_app() if redis else make_rq_app(REDIS_URL=None)
    with app.app_context():
        pending.run_after_commit(db.session, pending.Job("delivr", (1,)))
        with pytest.raises(UnknownJob, match="no job named 'delivr'"):
            db.session.commit()
        db.session.remove()
    assert rq_redis.keys("rq:job:*") == []


def test_a_rollback_drops_the_jobs_of_its_transaction(rq_app, rq_redis: Redis):
    with rq_app.app_context():
        db.session.execute(sa.select(1))  # a unit of work has begun
        pending.run_after_commit(db.session, pending.sweep())
        db.session.rollback()
        db.session.commit()
        db.session.remove()
    assert rq_redis.keys("rq:job:*") == []


COUNTING_WORKER = """
import os, sys
import reviewq.worker as worker

build = worker.create_app


def counted(*args, **kwargs):
    with open(os.environ["APP_BUILDS"], "a") as log:
        log.write(f"{os.getpid()}\\n")
    return build(*args, **kwargs)


worker.create_app = counted
sys.exit(worker.main(["--burst"]))
"""


def test_the_worker_builds_the_app_once_for_all_its_jobs(
    harness: Harness,
    receiver: Receiver,
    callback_source: SourceKit,
    reviewer,
    database_url: str,
    jobs_redis_url: str,
    tmp_path: Path,
):
    for _ in range(3):
        assert callback_source.submit(draft()).status_code == 201
        harness.decide_next(reviewer)
    builds = tmp_path / "builds"
    env = {
        **os.environ,
        "APP_BUILDS": str(builds),
        "DATABASE_URL": database_url,
        "SECRET_KEY": "test-secret-key-for-the-worker-process",
        "REDIS_URL": jobs_redis_url,
        "REVIEWQ_ALLOW_PRIVATE_CALLBACKS": "1",
    }
    done = subprocess.run(
        [sys.executable, "-c", COUNTING_WORKER],
        env=env,
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 0, done.stdout + done.stderr
    assert len(receiver.wait_for(3)) == 3
    # One build, in the worker process itself; every job ran in a horse forked from it.
    assert len(builds.read_text().split()) == 1, done.stderr
    assert [d.status for d in harness.deliveries()] == ["delivered"] * 3
