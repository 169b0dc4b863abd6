"""End to end: a blocking Python job (time.sleep in perform) runs as many calls at once as its
worker's call pool allows: 40 by default, fewer when RACETRACK_WORKER_THREADS or the manifest's
max_concurrency says so. The job counts the calls it has running at once (its `peak`)."""
from __future__ import annotations

import math

import pytest

from .concurrent_calls import fire


@pytest.fixture(autouse=True)
def _no_concurrency_settings(monkeypatch):
    """The pool sizes and worker counts here are the tests' own, not the environment's."""
    for name in ('RACETRACK_WORKER_THREADS', 'RACETRACK_JOB_MAX_CONCURRENCY', 'RACETRACK_WORKERS',
                 'RACETRACK_GATEWAY_ARGS'):
        monkeypatch.delenv(name, raising=False)


def sleep_calls(count: int, seconds: float) -> list[dict]:
    return [{'seconds': seconds}] * count


def peak_of(responses) -> int:
    return max(r.json()['peak'] for r in responses)


def assert_two_at_a_time(job) -> None:
    """Eight calls of 0.4 s, fired at once, run two at a time: four rounds at least."""
    count, seconds = 8, 0.4
    responses, elapsed = fire(job, sleep_calls(count, seconds), timeout=15)
    assert [r.status for r in responses] == [200] * count, responses
    assert peak_of(responses) == 2
    assert elapsed >= math.ceil(count / 2) * seconds * 0.95, f'{count} calls took {elapsed:.2f} s'
    assert elapsed < 10


def test_default_pool_overlaps_forty_blocking_calls(start_job):
    job = start_job('blocking_job.py')
    job.wait_ready()
    responses, elapsed = fire(job, sleep_calls(40, 1.0), timeout=15)
    assert [r.status for r in responses] == [200] * 40, [r for r in responses if r.status != 200]
    # Forty 1 s sleeps one after the other would take 40 s; overlapped they take about 1 s.
    assert elapsed < 10, f'40 calls of 1 s took {elapsed:.1f} s'
    assert peak_of(responses) == 40


def test_two_worker_threads_bound_the_overlap(start_job):
    job = start_job('blocking_job.py', env={'RACETRACK_WORKER_THREADS': '2'})
    job.wait_ready()
    assert_two_at_a_time(job)


def test_manifest_max_concurrency_bounds_the_overlap(start_job, tmp_path):
    manifest = tmp_path / 'job.yaml'
    manifest.write_text('name: blocking\njobtype_extra:\n  max_concurrency: 2\n'
                        '  max_concurrency_queue: 10\n')
    job = start_job('blocking_job.py', '--manifest-path', str(manifest))
    job.wait_ready()
    assert_two_at_a_time(job)
