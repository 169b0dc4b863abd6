"""The edge the C++ runtime calls: plain values in and out, and the shared error types named by the
contract (through the runtime)."""
from __future__ import annotations

import json

import pytest

from racetrack_job_wrapper._worker.edge import RuntimeHost, type_name
from racetrack_job_wrapper._worker.host import JobHost, JobSpec
from racetrack_job_wrapper._worker.model import SharedError
from racetrack_job_wrapper._worker.request_context import Cancellation
from racetrack_job_wrapper.endpoint_config import EndpointConfig


class Job:
    def perform(self, x: int = 1):
        """Doubles x"""
        if x < 0:
            raise ValueError('negative')
        return x * 2

    def docs_input_example(self):
        return {'x': 3}

    def auxiliary_endpoints_v2(self):
        return [EndpointConfig('/double/{x}', 'GET', self.perform)]

    def metrics(self):
        return [{'name': 'm', 'value': 1.5, 'description': 'd', 'labels': {'k': 'v'}}]


@pytest.fixture
def edge(monkeypatch):
    for name in ('RACETRACK_WORKER_THREADS', 'RACETRACK_JOB_MAX_CONCURRENCY'):
        monkeypatch.delenv(name, raising=False)
    host = RuntimeHost(JobHost(JobSpec(lambda: Job, validate_examples=False)))
    assert host.load() is True
    return host


def test_shared_error_names_come_from_the_contract():
    assert [type_name(e) for e in SharedError] == ['JobNotReady', 'WorkerUnavailable', 'Timeout']
    assert type_name('ValueError') == 'ValueError'


def test_a_failed_load_says_why():
    class Broken:
        def __init__(self):
            raise RuntimeError('no config')

    host = RuntimeHost(JobHost(JobSpec(lambda: Broken, validate_examples=False)))
    assert host.load() is False
    assert host.class_name == 'Broken'
    assert host.init_error.startswith('no config')


def test_describe(edge):
    endpoints, parameters = edge.native_describe()
    by_path = {e[0]: e for e in endpoints}
    path, methods, kind, summary, description, example, mimetype, operation, template = by_path['/perform']
    assert (methods, kind, json.loads(example)) == (['POST'], 'perform', {'x': 3})
    assert description == 'Call main action: Doubles x'
    assert by_path['/double/{x}'][2] == 'auxiliary'
    assert by_path['/double/{x}'][8] is True and by_path['/double/{x}'][7]
    assert json.loads(parameters) == [{'name': 'x', 'default_value': 1, 'type': 'int'}]


def test_calls_answer_json_text_or_a_failure(edge):
    token = Cancellation()
    assert edge.native_call('/perform', '{"x": 4}', 'POST', '', [('x-a', '1')], token, None) == '8'
    assert edge.native_call('/perform', '', 'POST', '', [], token, None) == '2'
    assert edge.native_call('/perform', '{"x": -1}', 'POST', '', [], token, None) == \
        (400, 'ValueError', 'negative')
    assert edge.native_call('/nope', '{}', 'POST', '', [], token, None) == \
        (404, 'EntityNotFound', 'endpoint not found: /nope')
    # Aux v2 endpoints come over Http, never as JSON calls.
    assert edge.native_call('/double/{x}', '{}', 'POST', '', [], token, None)[0] == 404


def test_auxiliary_v1_endpoints_are_json_calls():
    class V1:
        def perform(self):
            return 1

        def auxiliary_endpoints(self):
            return {'/pid': lambda: 42}

    host = RuntimeHost(JobHost(JobSpec(lambda: V1, validate_examples=False)))
    assert host.load()
    assert host.native_call('/pid', '{}', 'POST', '', [], Cancellation(), None) == '42'


def test_http(edge):
    status, headers, body = edge.native_http('/double/{x}', 'GET', '/api/v1/double/21', '', [], b'', '')
    assert (status, headers, body) == (200, [('content-type', 'application/json')], b'42')
    status, headers, body = edge.native_http('/nope', 'GET', '/api/v1/nope', '', [], b'', '')
    assert status == 404


def test_http_failures_are_error_bodies_with_the_contracts_types(edge):
    edge.host.state = JobHost.LOADING
    status, headers, body = edge.native_http('/double/{x}', 'GET', '/api/v1/double/21', '', [], b'', '')
    assert (status, headers) == (503, [('content-type', 'application/json')])
    assert json.loads(body) == {'error': 'the job is not ready yet', 'type': 'JobNotReady'}


def test_metrics(edge):
    assert edge.native_metrics() == ([('m', 1.5, 'd', {'k': 'v'})], '')
