"""Shared fixtures: the gateway binary, free ports, and a running job served over HTTP."""
from __future__ import annotations

import http.client
import json
import os
import signal
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

REPO = Path(__file__).resolve().parents[2]
JOBS = Path(__file__).resolve().parent / 'jobs'
EXAMPLES = REPO / 'examples' / 'python'


def gateway_binary() -> str | None:
    env = os.environ.get('RACETRACK_GATEWAY_BIN')
    candidate = Path(env) if env else REPO / 'build' / 'gateway' / 'gateway'
    return str(candidate) if candidate.is_file() and os.access(candidate, os.X_OK) else None


@pytest.fixture(scope='session')
def gateway_bin() -> str:
    path = gateway_binary()
    if path is None:
        message = 'the gateway binary is not built (make build, or set RACETRACK_GATEWAY_BIN)'
        if os.environ.get('RACETRACK_REQUIRE_GATEWAY'):
            pytest.fail(message)  # under make test / ctest a skipped end-to-end test is a failure
        pytest.skip(message)
    return path


def free_port() -> int:
    with socket.socket() as s:
        s.bind(('127.0.0.1', 0))
        return s.getsockname()[1]


def wait_until(condition: Callable[[], Any], timeout: float = 20.0, interval: float = 0.02) -> Any:
    """Polls `condition` until it returns something truthy; fails the test after `timeout`."""
    deadline = time.monotonic() + timeout
    last_error: Exception | None = None
    while time.monotonic() < deadline:
        try:
            value = condition()
            if value:
                return value
        except (OSError, http.client.HTTPException) as e:
            last_error = e
        time.sleep(interval)
    raise AssertionError(f'condition not met within {timeout} s (last error: {last_error})')


class Response:
    def __init__(self, status: int, headers: dict[str, str], body: bytes,
                 header_list: list[tuple[str, str]] | None = None):
        self.status, self.headers, self.body = status, headers, body
        self.header_list = header_list or []  # every header as received, duplicates included

    def json(self) -> Any:
        return json.loads(self.body)

    def __repr__(self) -> str:
        return f'Response({self.status}, {self.body[:200]!r})'


class RunningJob:
    """A job served by `racetrack_job_runner run` (or any command) on a free port."""

    def __init__(self, command: list[str], port: int, cwd: Path, env: dict[str, str]):
        self.port = port
        self.log_file = tempfile.NamedTemporaryFile(prefix='rt-job-', suffix='.log', delete=False)
        self.process = subprocess.Popen(command, cwd=cwd, env=env, stdout=self.log_file,
                                        stderr=subprocess.STDOUT)

    def request(self, method: str, path: str, body: Any = None, headers: dict | None = None,
                timeout: float = 10) -> Response:
        conn = http.client.HTTPConnection('127.0.0.1', self.port, timeout=timeout)
        try:
            data = body if isinstance(body, (bytes, str)) or body is None else json.dumps(body)
            conn.request(method, path, body=data, headers=headers or {})
            response = conn.getresponse()
            return Response(response.status, {k.lower(): v for k, v in response.getheaders()},
                            response.read(), [(k.lower(), v) for k, v in response.getheaders()])
        finally:
            conn.close()

    def get(self, path: str, **kwargs) -> Response:
        return self.request('GET', path, **kwargs)

    def perform(self, payload: Any = None, **kwargs) -> Response:
        return self.request('POST', '/api/v1/perform', body=payload, **kwargs)

    def status_of(self, path: str) -> int:
        return self.get(path, timeout=2).status

    def wait_ready(self, timeout: float = 30) -> None:
        wait_until(lambda: self.status_of('/ready') == 200, timeout)

    def logs(self) -> str:
        return Path(self.log_file.name).read_text(errors='replace')

    def stop(self) -> int:
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(15)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(5)
        self.log_file.close()
        os.unlink(self.log_file.name)
        return self.process.returncode


def runner_command(*args: str) -> list[str]:
    """The console script installed next to this interpreter (else python -m)."""
    script = Path(sys.executable).parent / 'racetrack_job_runner'
    if script.is_file():
        return [str(script), *args]
    return [sys.executable, '-m', 'racetrack_job_wrapper', *args]


@pytest.fixture
def start_job(gateway_bin: str):
    """start_job(job_file, *extra_args, cwd=..., env={...}) → RunningJob, stopped at teardown."""
    started: list[RunningJob] = []

    def start(job_file: str | Path, *args: str, cwd: Path | None = None, env: dict | None = None,
              command: list[str] | None = None) -> RunningJob:
        port = free_port()
        full_env = dict(os.environ, RACETRACK_GATEWAY_BIN=gateway_bin, RACETRACK_PORT=str(port),
                        **(env or {}))
        full_env.pop('JOB_MANIFEST_YAML', None)
        cmd = command or runner_command('run', str(job_file), *args, '--port', str(port))
        job = RunningJob(cmd, port, cwd or JOBS, full_env)
        started.append(job)
        return job

    yield start
    for job in started:
        job.stop()


@pytest.fixture
def harness(tmp_path, monkeypatch):
    """harness(job_class=..., spec=...) → a worker_client.Harness, closed at teardown."""
    from worker_client import Harness

    for name in ('JOB_MANIFEST_YAML', 'RACETRACK_JOB_MAX_CONCURRENCY', 'RACETRACK_WORKER_THREADS'):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.chdir(tmp_path)
    made: list[Harness] = []

    def make(**kwargs) -> Harness:
        h = Harness(tmp_path, **kwargs)
        made.append(h)
        return h

    yield make
    for h in made:
        h.close()
