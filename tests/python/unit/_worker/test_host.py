"""JobHost: loading states, JSON calls, and what the Calls path serves (perform and aux v1 only)."""
from __future__ import annotations

import pytest

from racetrack_job_wrapper._worker.host import JobHost, JobSpec
from racetrack_job_wrapper._worker.model import Call, Failure, SharedError
from racetrack_job_wrapper.endpoint_config import EndpointConfig


class Job:
    def perform(self, x: int = 1):
        return x * 2

    def auxiliary_endpoints_v2(self):
        return [EndpointConfig('/double/{x}', 'GET', self.perform),
                EndpointConfig('/plain', 'POST', self.perform)]


@pytest.fixture(autouse=True)
def clean_env(monkeypatch):
    for name in ('RACETRACK_WORKER_THREADS', 'RACETRACK_JOB_MAX_CONCURRENCY', 'JOB_NAME', 'JOB_VERSION'):
        monkeypatch.delenv(name, raising=False)


def loaded(job_class: type) -> JobHost:
    host = JobHost(JobSpec(lambda: job_class, validate_examples=False))
    host.load()
    return host


def test_perform_and_unknown_endpoints():
    host = loaded(Job)
    assert host.call(Call(1, '/perform', '{"x": 4}')).result_json == '8'
    assert host.call(Call(2, '/perform')).result_json == '2'
    assert host.call(Call(3, '/nope')).failure == Failure(404, 'EntityNotFound', 'endpoint not found: /nope')


def test_aux_v2_endpoints_are_not_json_calls():
    """Every aux v2 endpoint describes an OpenAPI operation, so the gateway sends it over Http, where
    its parameters are bound; on the Calls path it does not exist."""
    host = loaded(Job)
    v2 = [e for e in host.endpoints.values() if e.v2]
    assert [e.path for e in v2] == ['/double/{x}', '/plain']
    assert all(e.openapi_operation_json and not e.json_call for e in v2)
    assert host.call(Call(1, '/plain', '{"x": 4}')).failure == \
        Failure(404, 'EntityNotFound', 'endpoint not found: /plain')
    assert host.call(Call(2, '/double/3')).failure is not None


def test_not_ready_while_loading_and_after_a_failure():
    host = JobHost(JobSpec(lambda: Job, validate_examples=False))
    assert host.call(Call(1, '/perform')).failure == \
        Failure(503, SharedError.JOB_NOT_READY, 'the job is still loading')

    class Broken:
        def __init__(self):
            raise RuntimeError('no model')
    broken = loaded(Broken)
    assert broken.state == JobHost.FAILED
    failure = broken.call(Call(1, '/perform')).failure
    assert failure is not None and failure.type == SharedError.JOB_NOT_READY
    assert failure.message.startswith('the job failed to initialize: no model, cause=RuntimeError')


def test_pool_size_from_the_environment(monkeypatch):
    assert JobHost(JobSpec(lambda: Job)).threads == 40
    monkeypatch.setenv('RACETRACK_JOB_MAX_CONCURRENCY', '3')
    assert JobHost(JobSpec(lambda: Job)).threads == 3
