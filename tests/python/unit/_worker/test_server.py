"""The worker's gRPC side, in process: Describe, health, and the Calls stream (acks, batching,
cancellation, timeouts), driven by a plain gRPC client as the gateway would."""
from __future__ import annotations

import json
import os
import stat
import threading
import time

import grpc
import pytest
from worker_client import Stream, perform, wait_for

from racetrack_job_wrapper._proto import health_pb2, health_pb2_grpc, worker_pb2_grpc
from racetrack_job_wrapper._proto import worker_pb2 as pb
from racetrack_job_wrapper._worker.host import JobSpec
from racetrack_job_wrapper._worker.server import WorkerServer

SERVING = health_pb2.HealthCheckResponse.SERVING
NOT_SERVING = health_pb2.HealthCheckResponse.NOT_SERVING


def make_job_class(constructed: threading.Event, gates: dict[str, threading.Event]):
    class GatedJob:
        def __init__(self):
            assert constructed.wait(10), 'the test never released the constructor'

        def perform(self, gate: str = '', value=None):
            """Waits for a gate, then echoes"""
            if gate:
                assert gates.setdefault(gate, threading.Event()).wait(10)
            return value

        def docs_input_example(self):
            return {'value': 'example'}

    return GatedJob


class Harness:
    count = 0

    def __init__(self, tmp_path, job_class=None, spec: JobSpec | None = None):
        self.constructed = threading.Event()
        self.gates: dict[str, threading.Event] = {}
        cls = job_class or make_job_class(self.constructed, self.gates)
        Harness.count += 1
        self.server = WorkerServer(spec or JobSpec(lambda: cls, validate_examples=False),
                                   f'unix:{tmp_path}/worker-{Harness.count}.sock')
        self.server.start()
        self.channel = grpc.insecure_channel(self.server.address)
        self.worker = worker_pb2_grpc.WorkerStub(self.channel)
        self.health = health_pb2_grpc.HealthStub(self.channel)

    def gate(self, name: str) -> threading.Event:
        return self.gates.setdefault(name, threading.Event())

    def health_status(self) -> int:
        return self.health.Check(health_pb2.HealthCheckRequest(), timeout=5).status

    def close(self) -> None:
        self.constructed.set()
        for gate in self.gates.values():
            gate.set()
        self.channel.close()
        self.server.stop(grace=0.5)


@pytest.fixture
def harness(tmp_path, monkeypatch):
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


def test_loading_then_ready(harness):
    h = harness()
    assert h.worker.Describe(pb.DescribeRequest(), timeout=5).state == pb.WORKER_STATE_LOADING
    assert h.health_status() == NOT_SERVING
    h.constructed.set()
    wait_for(lambda: h.health_status() == SERVING)
    d = h.worker.Describe(pb.DescribeRequest(), timeout=5)
    assert d.state == pb.WORKER_STATE_READY
    assert d.class_name == 'GatedJob'
    assert d.sdk.startswith('python/')
    assert d.max_concurrency == 40
    perform_endpoint = d.endpoints[0]
    assert perform_endpoint.path == '/perform'
    assert perform_endpoint.kind == pb.ENDPOINT_KIND_PERFORM
    assert perform_endpoint.input_example_json == '{"value":"example"}'
    assert perform_endpoint.description == 'Call main action: Waits for a gate, then echoes'
    assert json.loads(d.parameters_json) == [
        {'name': 'gate', 'default_value': '', 'type': 'str'},
        {'name': 'value', 'default_value': None, 'type': None}]


def test_init_failure_is_described(harness):
    class Broken:
        def __init__(self):
            raise RuntimeError('model file is missing')

    h = harness(job_class=Broken)
    wait_for(lambda: h.worker.Describe(pb.DescribeRequest()).state == pb.WORKER_STATE_FAILED)
    d = h.worker.Describe(pb.DescribeRequest())
    assert d.init_error.startswith('model file is missing, cause=RuntimeError, traceback=')
    assert 'test_server.py:' in d.init_error
    assert h.health_status() == NOT_SERVING


def test_threads_from_the_gateways_env(harness, monkeypatch, tmp_path):
    """The gateway passes the manifest's max_concurrency as RACETRACK_JOB_MAX_CONCURRENCY; the
    worker never reads the manifest (a job.yaml saying otherwise is ignored)."""
    (tmp_path / 'job.yaml').write_text('jobtype_extra:\n  max_concurrency: 5\n')
    monkeypatch.setenv('RACETRACK_JOB_MAX_CONCURRENCY', '3')
    h = harness()
    h.constructed.set()
    wait_for(lambda: h.health_status() == SERVING)
    assert h.worker.Describe(pb.DescribeRequest()).max_concurrency == 3
    monkeypatch.setenv('RACETRACK_WORKER_THREADS', '7')
    h2 = harness()
    h2.constructed.set()
    wait_for(lambda: h2.health_status() == SERVING)
    assert h2.worker.Describe(pb.DescribeRequest()).max_concurrency == 7


def test_reads_are_acknowledged_while_the_job_is_slow(harness):
    h = harness()
    h.constructed.set()
    wait_for(lambda: h.health_status() == SERVING)
    stream = Stream(h.worker)
    seq = stream.send(perform(1, gate='slow', value='late'))
    first = stream.receive()
    assert first.ack_seq == seq and not first.replies  # acknowledged before the call finished
    seq = stream.send(perform(2, value='fast'))
    replies = stream.replies_until({2})
    assert replies[2].result_json == '"fast"'
    h.gate('slow').set()
    assert stream.replies_until({1})[1].result_json == '"late"'
    stream.close()


def test_replies_finished_together_travel_together(harness):
    h = harness()
    h.constructed.set()
    wait_for(lambda: h.health_status() == SERVING)
    stream = Stream(h.worker)
    gate = h.gate('together')
    stream.send(*[perform(i, gate='together', value=i) for i in range(1, 11)])
    assert stream.receive().ack_seq == 1
    gate.set()
    batches = []
    got = 0
    while got < 10:
        batch = stream.receive()
        batches.append(batch)
        got += len(batch.replies)
    assert got == 10
    assert len(batches) < 10, 'replies ready at the same moment should share messages'
    assert all(b.ack_seq == 1 for b in batches)
    stream.close()


def test_cancel_and_timeout_of_queued_calls(harness, monkeypatch):
    monkeypatch.setenv('RACETRACK_WORKER_THREADS', '1')
    h = harness()
    h.constructed.set()
    wait_for(lambda: h.health_status() == SERVING)
    stream = Stream(h.worker)
    stream.send(perform(1, gate='busy', value=1), perform(2, value=2), perform(3, timeout_ms=50, value=3))
    stream.send(cancel_ids=[2])
    time.sleep(0.1)  # let call 3 outlive its 50 ms timeout while it waits for the only thread
    h.gate('busy').set()
    replies = stream.replies_until({1, 2, 3})
    assert replies[1].result_json == '1'
    assert (replies[2].error.http_status, replies[2].error.type) == (499, 'Cancelled')
    assert (replies[3].error.http_status, replies[3].error.type) == (504, 'Timeout')
    stream.close()


def test_job_errors_and_unknown_endpoints(harness):
    class Failing:
        def perform(self, kind: str):
            if kind == 'type':
                return len(1)
            raise ValueError('bad input')

    h = harness(job_class=Failing)
    wait_for(lambda: h.health_status() == SERVING)
    stream = Stream(h.worker)
    stream.send(pb.Call(id=1, endpoint='/perform', payload_json='{"kind": "value"}'),
                pb.Call(id=2, endpoint='/perform', payload_json='{"kind": "type"}'),
                pb.Call(id=3, endpoint='/nope', payload_json='{}'))
    replies = stream.replies_until({1, 2, 3})
    assert (replies[1].error.http_status, replies[1].error.type, replies[1].error.message) == \
        (400, 'ValueError', 'bad input')
    assert replies[2].error.message == "failed to call a function: object of type 'int' has no len()"
    assert replies[3].error.http_status == 404
    stream.close()


def test_half_close_waits_for_calls_in_flight(harness):
    h = harness()
    h.constructed.set()
    wait_for(lambda: h.health_status() == SERVING)
    stream = Stream(h.worker)
    stream.send(perform(1, gate='end', value='done'))
    assert stream.receive().ack_seq == 1
    stream.close()  # half-close: the worker answers what it read, then ends the stream
    h.gate('end').set()
    assert stream.replies_until({1})[1].result_json == '"done"'
    assert stream.receive() is None  # the stream ended cleanly


def test_ready_instance_spec(harness):
    class Ready:
        def perform(self):
            return 'ok'

    h = harness(spec=JobSpec(lambda: Ready, validate_examples=False, instance=Ready()))
    wait_for(lambda: h.health_status() == SERVING)
    stream = Stream(h.worker)
    stream.send(pb.Call(id=1, endpoint='/perform', payload_json=''))
    assert stream.replies_until({1})[1].result_json == '"ok"'
    stream.close()


def test_the_socket_lets_the_owner_and_group_in(harness, tmp_path):
    h = harness()
    path = h.server.address[len('unix:'):]
    assert stat.S_IMODE(os.stat(path).st_mode) == 0o660
