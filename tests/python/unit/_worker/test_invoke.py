"""The one call pipeline: results, TypeError conversion, error mapping and logging, context per
call, and SystemExit/KeyboardInterrupt leaving the process."""
from __future__ import annotations

import json
import logging

import pytest

from racetrack_job_wrapper._worker.depth import MAX_JSON_DEPTH, allow_deep_json
from racetrack_job_wrapper._worker.endpoints import KIND_PERFORM, Endpoint
from racetrack_job_wrapper._worker.invoke import Invoker, ProcessExit
from racetrack_job_wrapper._worker.model import Failure
from racetrack_job_wrapper._worker.request_context import Request, install_context_vars


class Job:
    def __init__(self):
        self.seen: list[tuple[str | None, dict]] = []

    def perform(self, mode: str = 'echo', **kwargs):
        request = self.request_context.get()
        extra = self.request_extra.get()
        self.seen.append((request.headers.get('x-id'), dict(extra)))
        extra['touched'] = True
        if mode == 'type':
            return len(1)
        if mode == 'raise':
            raise RuntimeError('broken')
        if mode == 'exit':
            raise SystemExit(3)
        if mode == 'interrupt':
            raise KeyboardInterrupt
        if mode == 'object':
            return {'set': {1}, 'tuple': (1, 'a')}
        return kwargs


@pytest.fixture
def job_and_invoker():
    job = Job()
    return job, Invoker(*install_context_vars(job))


def endpoint(job: Job) -> Endpoint:
    return Endpoint('/perform', KIND_PERFORM, ('POST',), job.perform)


def request(call_id: str = '1') -> Request:
    return Request('POST', '/api/v1/perform', '', [('X-Id', call_id), ('X-Request-Tracing-Id', 'tr')])


def test_results_are_rendered(job_and_invoker):
    job, invoker = job_and_invoker
    assert invoker.run(endpoint(job), lambda: {'a': 'ż'}, request()).result_json == '{"a":"ż"}'
    assert invoker.run(endpoint(job), lambda: {'mode': 'object'}, request()).result_json == \
        '{"set":[1],"tuple":[1,"a"]}'


def test_each_call_has_its_own_request_and_extra(job_and_invoker):
    job, invoker = job_and_invoker
    invoker.run(endpoint(job), dict, request('a'))
    invoker.run(endpoint(job), dict, request('b'))
    assert job.seen == [('a', {}), ('b', {})]


def test_type_errors_become_value_errors(job_and_invoker):
    job, invoker = job_and_invoker
    outcome = invoker.run(endpoint(job), lambda: {'mode': 'type'}, request())
    assert outcome.failure == Failure(400, 'ValueError', "failed to call a function: object of type 'int' "
                                                         "has no len()")
    # the arguments are computed inside the pipeline: a body that is not an object is a TypeError too
    outcome = invoker.run(endpoint(job), lambda: [1], request())
    assert outcome.failure is not None and outcome.failure.http_status == 400
    assert outcome.failure.message.startswith('failed to call a function: ')


def test_errors_are_mapped_and_logged_with_the_tracing_id(job_and_invoker, caplog):
    job, invoker = job_and_invoker
    with caplog.at_level(logging.ERROR, logger='racetrack'):
        outcome = invoker.run(endpoint(job), lambda: {'mode': 'raise'}, request())
    assert outcome.failure == Failure(500, 'RuntimeError', 'broken')
    record = caplog.records[-1]
    assert (record.getMessage(), record.cause, record.tracing_id) == ('broken', 'RuntimeError', 'tr')


@pytest.mark.parametrize('mode, code, what', [('exit', 3, 'SystemExit(3)'),
                                              ('interrupt', 130, 'KeyboardInterrupt')])
def test_leaving_the_process_is_not_an_answer(job_and_invoker, mode, code, what):
    job, invoker = job_and_invoker
    with pytest.raises(ProcessExit) as e:
        invoker.run(endpoint(job), lambda: {'mode': mode}, request())
    assert e.value.code == code
    assert str(e.value) == f'the job raised {what} in /perform; the worker process exits with code {code}'


def test_json_as_deep_as_the_gateway_accepts(job_and_invoker):
    """Parsed, handed to the job and rendered back: no RecursionError (the worker raises the
    recursion limit at start)."""
    allow_deep_json()
    job, invoker = job_and_invoker
    deep = '[' * (MAX_JSON_DEPTH - 1) + ']' * (MAX_JSON_DEPTH - 1)
    body = '{"value": ' + deep + '}'
    outcome = invoker.run(endpoint(job), lambda: json.loads(body), request())
    assert outcome.failure is None
    assert outcome.result_json == '{"value":' + deep + '}'


@pytest.mark.parametrize('body', ['{"a": 1}', ' {"a": 1}', '{"a": 1}\n', '\t{"a": [1, {"b": null}]} \r\n',
                                  ''])
def test_a_json_text_body_gives_the_arguments_json_loads_gives(job_and_invoker, body):
    job, invoker = job_and_invoker
    expected = json.dumps(json.loads(body) if body else {}, separators=(',', ':'))
    assert invoker.run(endpoint(job), body, request()).result_json == expected


@pytest.mark.parametrize('body', ['[1]', '1', '"x"', '{"a": 1} x', '{"a": 1}{}', '\ufeff{"a": 1}', '{"a":'])
def test_a_json_text_body_that_is_not_one_object_fails_as_with_json_loads(job_and_invoker, body):
    job, invoker = job_and_invoker
    with_text = invoker.run(endpoint(job), body, request()).failure
    with_loads = invoker.run(endpoint(job), lambda: json.loads(body), request()).failure
    assert with_text is not None
    assert with_text == with_loads
