"""End to end: the busy lane of the Python worker. A slow endpoint whose calls only compute (the
thread never waits) runs them one at a time, since one interpreter runs one call's Python at a
time anyway; one whose calls wait (sleep, I/O) leaves the lane at once, and its calls overlap as
before. The job reports how many calls were running when each started (computing_job.py)."""
from __future__ import annotations

import pytest

from .concurrent_calls import fire


@pytest.fixture(autouse=True)
def _no_concurrency_settings(monkeypatch):
    """The pool sizes and lane settings here are the tests' own, not the environment's."""
    for name in ('RACETRACK_WORKER_THREADS', 'RACETRACK_JOB_MAX_CONCURRENCY', 'RACETRACK_WORKERS',
                 'RACETRACK_GATEWAY_ARGS', 'RACETRACK_WORKER_BUSY_LANE', 'RACETRACK_WORKER_DISPATCH'):
        monkeypatch.delenv(name, raising=False)


def computing_calls(count: int, busy_ms: float = 0, sleep_ms: float = 0) -> list[dict]:
    return [{'busy_ms': busy_ms, 'sleep_ms': sleep_ms}] * count


def warm_up(job, **payload) -> None:
    """One call on its own: the endpoint's first call runs on the pool and shows it is slow."""
    response = job.perform({**payload, 'reset': True})
    assert response.status == 200, response


def test_computing_calls_run_one_at_a_time(start_job):
    job = start_job('computing_job.py')
    job.wait_ready()
    warm_up(job, busy_ms=5)
    responses, _ = fire(job, computing_calls(12, busy_ms=20), timeout=30)
    assert [r.status for r in responses] == [200] * 12, responses
    assert [r.json()['running'] for r in responses] == [1] * 12


def test_without_the_lane_computing_calls_overlap(start_job):
    """The same calls with the lane off overlap (the interpreter switches threads every 5 ms), so
    the test above can fail."""
    job = start_job('computing_job.py', env={'RACETRACK_WORKER_BUSY_LANE': '0'})
    job.wait_ready()
    warm_up(job, busy_ms=5)
    responses, _ = fire(job, computing_calls(12, busy_ms=20), timeout=30)
    assert [r.status for r in responses] == [200] * 12, responses
    assert max(r.json()['running'] for r in responses) > 1


def test_sleeping_calls_never_enter_the_lane(start_job):
    job = start_job('computing_job.py')
    job.wait_ready()
    warm_up(job, sleep_ms=20)  # slow, but it waited: the pool
    responses, elapsed = fire(job, computing_calls(20, sleep_ms=500), timeout=30)
    assert [r.status for r in responses] == [200] * 20, responses
    assert max(r.json()['peak'] for r in responses) == 20
    assert elapsed < 5, f'20 calls of 0.5 s took {elapsed:.1f} s'


def test_a_lane_call_that_starts_waiting_releases_the_calls_behind_it(start_job):
    job = start_job('computing_job.py')
    job.wait_ready()
    warm_up(job, busy_ms=20)  # computes without waiting: the endpoint takes the lane
    responses, _ = fire(job, computing_calls(6, busy_ms=20), timeout=30)
    assert [r.json()['running'] for r in responses] == [1] * 6
    # Now its calls sleep 2 s each. The first one in the lane is found asleep about 20 ms in (the
    # endpoint's typical duration), so the calls queued behind it go to the pool and overlap: all
    # twenty take about 2 s, not 2 s each, nor the three in a row it takes to leave otherwise.
    responses, elapsed = fire(job, computing_calls(20, sleep_ms=2000), timeout=60)
    assert [r.status for r in responses] == [200] * 20, responses
    assert max(r.json()['peak'] for r in responses) >= 19
    assert elapsed < 5, f'20 calls of 2 s took {elapsed:.1f} s'
    # And it stays out: the next ones overlap from the start.
    responses, _ = fire(job, computing_calls(10, sleep_ms=300), timeout=30)
    assert max(r.json()['running'] for r in responses) == 10
