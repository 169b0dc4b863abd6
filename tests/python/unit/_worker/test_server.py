"""The worker's gRPC server, in process: loading, Describe, health, the pool size, the socket."""
from __future__ import annotations

import json
import os
import stat

from racetrack_job_wrapper._worker.host import JobSpec

from contract_pb.racetrack.worker.v1 import worker_pb2 as pb
from worker_client import NOT_SERVING, SERVING, Stream, wait_for


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
