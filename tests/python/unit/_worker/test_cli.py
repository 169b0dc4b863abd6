"""The worker process (``python -m racetrack_job_wrapper.worker``), as the gateway or a sidecar
container runs it: start-up, the socket's access, and the drain on SIGTERM: it keeps serving until
the gateway's call stream has closed and no call is in flight (or the drain timeout passed), then
exits 0."""
from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import grpc
import pytest

from conftest import JOBS
from contract_pb.grpc.health.v1 import health_pb2, health_pb2_grpc
from contract_pb.racetrack.worker.v1 import worker_pb2 as pb
from contract_pb.racetrack.worker.v1 import worker_pb2_grpc
from worker_client import Stream, wait_for

SERVING = health_pb2.HealthCheckResponse.SERVING


class WorkerProcess:
    def __init__(self, tmp_path, **env: str):
        self.socket = tmp_path / 'worker.sock'
        self.log = tmp_path / 'worker.log'
        full_env = dict(os.environ)
        for name in ('RACETRACK_WORKER_THREADS', 'RACETRACK_JOB_MAX_CONCURRENCY', 'RACETRACK_SCHED_POLICY'):
            full_env.pop(name, None)
        full_env.update(RACETRACK_WORKER_ADDRESS=f'unix:{self.socket}', **env)
        with open(self.log, 'wb') as log:
            self.process = subprocess.Popen(
                [sys.executable, '-u', '-m', 'racetrack_job_wrapper.worker', 'file', 'testing_job.py'],
                cwd=JOBS, env=full_env, stdout=log, stderr=subprocess.STDOUT)
        self.channel: grpc.Channel | None = None

    def connect(self) -> worker_pb2_grpc.WorkerStub:
        wait_for(lambda: self.socket.exists() or self.process.poll() is not None)
        self.channel = grpc.insecure_channel(f'unix:{self.socket}')
        health = health_pb2_grpc.HealthStub(self.channel)
        # The socket file exists from bind() on, a moment before the worker listens: wait for ready.
        wait_for(lambda: health.Check(health_pb2.HealthCheckRequest(), timeout=5,
                                      wait_for_ready=True).status == SERVING)
        return worker_pb2_grpc.WorkerStub(self.channel)

    def logs(self) -> str:
        return self.log.read_text(errors='replace')

    def close(self) -> None:
        if self.channel is not None:
            self.channel.close()
        if self.process.poll() is None:
            self.process.kill()
            self.process.wait(5)


@pytest.fixture
def worker(tmp_path):
    started: list[WorkerProcess] = []

    def start(**env: str) -> WorkerProcess:
        w = WorkerProcess(tmp_path, **env)
        started.append(w)
        return w

    yield start
    for w in started:
        w.close()


def call(call_id: int, **payload) -> pb.Call:
    return pb.Call(id=call_id, endpoint='/perform', payload_json=json.dumps(payload))


def test_sigterm_drains_calls_in_flight_and_new_ones_until_the_stream_closes(worker):
    """A call longer than any fixed grace (the worker used to stop 5 s after SIGTERM)."""
    w = worker()
    stub = w.connect()
    stream = Stream(stub)
    stream.send(call(1, mode='sleep', seconds=6.0))
    assert stream.receive().ack_seq == 1
    w.process.send_signal(signal.SIGTERM)
    wait_for(lambda: 'draining' in w.logs())
    health = health_pb2_grpc.HealthStub(w.channel)
    assert health.Check(health_pb2.HealthCheckRequest(), timeout=5).status == SERVING
    stream.send(call(2, mode='echo', after='sigterm'))  # the draining gateway still sends calls
    assert stream.replies_until({2})[2].result_json == '{"after":"sigterm"}'
    assert stream.replies_until({1}, timeout=15)[1].result_json == '6.0'
    assert stub.Describe(pb.DescribeRequest(), timeout=5).state == pb.WORKER_STATE_READY
    assert w.process.poll() is None  # the stream is still open: the worker waits for the gateway
    stream.close()  # the gateway's drain is over
    assert w.process.wait(10) == 0
    assert 'drained, shutting down...' in w.logs()


def test_sigterm_without_a_stream_exits_at_once(worker):
    w = worker()
    w.connect()
    sent = time.monotonic()
    w.process.send_signal(signal.SIGTERM)
    assert w.process.wait(10) == 0
    assert time.monotonic() - sent < 3


def test_the_drain_timeout_bounds_the_wait(worker):
    w = worker(RACETRACK_WORKER_DRAIN_TIMEOUT_MS='300')
    stream = Stream(w.connect())
    stream.send(call(1, mode='sleep', seconds=30))
    assert stream.receive().ack_seq == 1
    sent = time.monotonic()
    w.process.send_signal(signal.SIGTERM)
    assert w.process.wait(10) == 0
    assert 0.25 <= time.monotonic() - sent < 5
    assert 'drain timeout: shutting down with the call stream still open' in w.logs()


def test_socket_mode_and_group(worker):
    w = worker(RACETRACK_WORKER_SOCKET_MODE='0600', RACETRACK_WORKER_SOCKET_GROUP=str(os.getgid()))
    w.connect()
    st = os.stat(w.socket)
    assert (st.st_mode & 0o777, st.st_gid) == (0o600, os.getgid())


def test_a_group_that_does_not_exist_is_a_clear_error(worker):
    w = worker(RACETRACK_WORKER_SOCKET_GROUP='no-such-group-here')
    assert w.process.wait(20) == 1
    assert 'RACETRACK_WORKER_SOCKET_GROUP: no group no-such-group-here' in w.logs()


def test_the_worker_uses_grpcs_poll_poller_unless_told_otherwise(worker):
    """gRPC's poll() poller, not epoll (worker-sdk/cpp/src/worker_server.cc says why); gRPC names
    the one it uses in its debug log."""
    for env, engine in (({}, 'poll'), ({'GRPC_POLL_STRATEGY': 'epoll1'}, 'epoll1')):
        w = worker(GRPC_VERBOSITY='debug', **env)
        w.connect()
        assert f'Using polling engine: {engine}\n' in w.logs()
        w.close()


def thread_policies(pid: int) -> dict[str, int]:
    """Each thread of ``pid`` (name/tid) with its scheduling policy."""
    policies = {}
    for task in Path(f'/proc/{pid}/task').iterdir():
        try:
            name = (task / 'comm').read_text().strip()
            policies[f'{name}/{task.name}'] = os.sched_getscheduler(int(task.name))
        except (OSError, ProcessLookupError):
            continue  # the thread has just ended
    return policies


def test_the_worker_runs_its_threads_batch_unless_told_normal(worker):
    """SCHED_BATCH (common/include/racetrack_common/sched_policy.h says why), set before the
    runtime starts its threads, so all of them have it."""
    for env, policy in (({}, os.SCHED_BATCH), ({'RACETRACK_SCHED_POLICY': 'normal'}, os.SCHED_OTHER)):
        w = worker(**env)
        w.connect()
        policies = thread_policies(w.process.pid)
        assert len(policies) > 1
        assert {thread: p for thread, p in policies.items() if p != policy} == {}, env
        w.close()
    w = worker(RACETRACK_SCHED_POLICY='fifo')
    w.connect()
    assert set(thread_policies(w.process.pid).values()) == {os.SCHED_BATCH}
    assert "RACETRACK_SCHED_POLICY: unknown policy 'fifo' (batch or normal); using batch" in w.logs()
