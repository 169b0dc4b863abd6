"""End to end: a Python job served by two worker processes (--workers 2). Calls go to the worker
with the fewest calls in flight; a worker that dies fails only its own calls and is restarted
alone, while the job stays ready on the other one. Workers are told apart by the pid each call
returns (blocking_job.py), so nothing here depends on how the gateway spawns them."""
from __future__ import annotations

import collections
import os
import re
import signal
import time

import pytest

from .concurrent_calls import Batch, fire
from conftest import RunningJob, wait_until

TWO_WORKERS = {'RACETRACK_WORKERS': '2'}


@pytest.fixture(autouse=True)
def _no_concurrency_settings(monkeypatch):
    """The pool sizes and worker counts here are the tests' own, not the environment's."""
    for name in ('RACETRACK_WORKER_THREADS', 'RACETRACK_JOB_MAX_CONCURRENCY', 'RACETRACK_WORKERS',
                 'RACETRACK_GATEWAY_ARGS'):
        monkeypatch.delenv(name, raising=False)


def workers_ready(job: RunningJob) -> int:
    return job.get('/ready', timeout=2).json().get('workers_ready', 0)


def metric_values(job: RunningJob, name: str) -> dict[str, float]:
    """Every sample of metric `name` in /metrics, by its label text ('' when it has none)."""
    samples = {}
    for line in job.get('/metrics').body.decode().splitlines():
        match = re.fullmatch(re.escape(name) + r'(\{[^}]*\})? (\S+)', line)
        if match:
            samples[match.group(1) or ''] = float(match.group(2))
    return samples


def test_calls_are_balanced_over_two_workers(start_job):
    job = start_job('blocking_job.py', env={'RACETRACK_GATEWAY_ARGS': '--workers 2'})
    job.wait_ready()
    wait_until(lambda: workers_ready(job) == 2, timeout=15)
    ready = job.get('/ready')
    assert (ready.status, ready.json()) == (200, {'ready': True, 'workers_ready': 2, 'workers': 2})
    health = job.get('/health').json()
    assert (health['ready'], health['status']) == (True, 'pass')
    assert (health['workers_ready'], health['workers']) == (2, 2)
    assert metric_values(job, 'racetrack_gateway_workers_ready') == {'': 2}

    # Eight calls in flight together: the least busy worker takes each, so four land on each.
    batch = Batch(job, [{'seconds': 1}] * 8, timeout=15)
    in_flight = 'racetrack_gateway_worker_calls_in_flight'
    wait_until(lambda: metric_values(job, in_flight) == {'{worker="0"}': 4, '{worker="1"}': 4},
               timeout=5)
    responses, _ = batch.results()
    assert [r.status for r in responses] == [200] * 8, responses
    per_pid = collections.Counter(r.json()['pid'] for r in responses)
    assert sorted(per_pid.values()) == [4, 4], per_pid
    assert job.process.pid not in per_pid  # the workers are processes of their own
    wait_until(lambda: metric_values(job, in_flight) == {'{worker="0"}': 0, '{worker="1"}': 0},
               timeout=5)
    # Each worker hosts its own job instance: /metrics shows both workers' gauges, each labelled
    # with its worker (the job's own `worker` label kept as `exported_worker`).
    started = metric_values(job, 'job_calls_started')
    assert started == {'{exported_worker="sleeper",worker="0"}': 4,
                       '{exported_worker="sleeper",worker="1"}': 4}, started
    exposition = job.get('/metrics').body.decode()
    assert exposition.count('# TYPE job_calls_started gauge') == 1, exposition


def test_a_killed_worker_fails_only_its_calls_and_comes_back(start_job, tmp_path):
    job = start_job('blocking_job.py', env=TWO_WORKERS)
    job.wait_ready()
    wait_until(lambda: workers_ready(job) == 2, timeout=15)

    # Four long calls, two on each worker; each marks `<pid>-<n>` in `marks` once it runs.
    marks = tmp_path / 'marks'
    marks.mkdir()
    long_calls = Batch(job, [{'seconds': 3, 'mark_dir': str(marks)}] * 4, timeout=15)
    wait_until(lambda: len(os.listdir(marks)) == 4, timeout=5)
    running = collections.Counter(int(name.split('-')[0]) for name in os.listdir(marks))
    assert sorted(running.values()) == [2, 2], running
    victim, survivor = sorted(running)

    os.kill(victim, signal.SIGKILL)
    # The job stays ready while the victim is down (one worker ready) and until it is back.
    seen = []
    deadline = time.monotonic() + 15
    while not (1 in seen and seen[-1] == 2):
        assert time.monotonic() < deadline, f'workers_ready over time: {seen}'
        ready = job.get('/ready', timeout=2)
        assert ready.status == 200, (ready, seen)
        count = ready.json()['workers_ready']
        if not seen or seen[-1] != count:
            seen.append(count)
        time.sleep(0.01)
    assert seen[-2:] == [1, 2], seen

    # Only the victim's two calls failed; the survivor's two finished.
    responses, _ = long_calls.results()
    failed = [r for r in responses if r.status != 200]
    assert [(r.status, r.json()['type']) for r in failed] == [(502, 'WorkerUnavailable')] * 2, responses
    assert [r.json()['pid'] for r in responses if r.status == 200] == [survivor] * 2

    # The restarted worker (a new process) takes calls again beside the survivor.
    responses, _ = fire(job, [{'seconds': 0.3}] * 4)
    assert [r.status for r in responses] == [200] * 4, responses
    pids = {r.json()['pid'] for r in responses}
    assert survivor in pids and len(pids) == 2, pids
    assert victim not in pids
    assert metric_values(job, 'racetrack_gateway_worker_restarts_total') == {'': 1}
    per_worker = metric_values(job, 'racetrack_gateway_worker_process_restarts_total')
    assert sorted(per_worker.values()) == [0, 1], per_worker
    assert job.process.poll() is None
