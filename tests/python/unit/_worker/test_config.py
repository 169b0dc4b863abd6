"""What the worker takes from the environment the gateway sets."""
from __future__ import annotations

import pytest

from racetrack_job_wrapper._worker.config import job_identity, pool_size


@pytest.fixture(autouse=True)
def clean_env(monkeypatch):
    for name in ('RACETRACK_WORKER_THREADS', 'RACETRACK_JOB_MAX_CONCURRENCY', 'JOB_NAME', 'JOB_VERSION'):
        monkeypatch.delenv(name, raising=False)


def test_pool_size_order(monkeypatch):
    assert pool_size() == (40, 'default')
    monkeypatch.setenv('RACETRACK_JOB_MAX_CONCURRENCY', '0')  # no cap: the default pool
    assert pool_size() == (40, 'default')
    monkeypatch.setenv('RACETRACK_JOB_MAX_CONCURRENCY', '4')
    assert pool_size() == (4, 'RACETRACK_JOB_MAX_CONCURRENCY')
    monkeypatch.setenv('RACETRACK_WORKER_THREADS', '9')
    assert pool_size() == (9, 'RACETRACK_WORKER_THREADS')
    monkeypatch.setenv('RACETRACK_WORKER_THREADS', 'many')
    assert pool_size() == (4, 'RACETRACK_JOB_MAX_CONCURRENCY')


def test_identity(monkeypatch, tmp_path):
    monkeypatch.chdir(tmp_path)
    (tmp_path / 'job.yaml').write_text('name: from-manifest\nversion: 9.9.9\n')  # the gateway's to read
    assert job_identity() == ('JOB_NAME', 'JOB_VERSION')
    monkeypatch.setenv('JOB_NAME', 'adder')
    monkeypatch.setenv('JOB_VERSION', '1.2.3')
    assert job_identity() == ('adder', '1.2.3')
