"""End to end: a chain call (spec §13) between two Python jobs, each behind its own real gateway.
examples/python/chain/caller calls examples/python/chain/adder with call_job; the adder's gateway
stands in for Pub (PUB_URL=http://127.0.0.1:<adder port>/pub, any /pub/job/<name>/<version> prefix
is accepted). The adder remembers the headers of its latest perform call at /api/v1/last_call."""
from __future__ import annotations

import json

import pytest

from conftest import EXAMPLES, free_port, wait_until

CHAIN = EXAMPLES / 'chain'
TOKEN = 'chain-test-token'


@pytest.fixture
def adder(start_job):
    job = start_job('job.py', cwd=CHAIN / 'adder', env={'LOG_CALLER_NAME': 'true'})
    job.wait_ready()
    return job


def start_caller(start_job, pub_url: str):
    job = start_job('job.py', cwd=CHAIN / 'caller',
                    env={'JOB_NAME': 'caller', 'PUB_URL': pub_url, 'AUTH_TOKEN': TOKEN})
    job.wait_ready()
    return job


@pytest.fixture
def caller(start_job, adder):
    return start_caller(start_job, f'http://127.0.0.1:{adder.port}/pub')


def last_call(adder) -> dict:
    response = adder.request('POST', '/api/v1/last_call', body={})
    assert response.status == 200, response
    return response.json()


def test_caller_answers_with_the_adders_sum(caller, adder):
    response = caller.perform({'numbers': [1, 2, 3, 6]},
                              headers={'X-Request-Tracing-Id': 'trace-chain-1', 'X-Caller-Name': 'alice'})
    assert (response.status, response.headers['content-type']) == (200, 'application/json')
    assert response.json() == {'sum': 12, 'mean': 3.0, 'computed_by': 'adder'}
    assert last_call(adder) == {
        'numbers': [1, 2, 3, 6],
        'headers': {'X-Racetrack-Auth': TOKEN, 'X-Request-Tracing-Id': 'trace-chain-1',
                    'X-Caller-Name': 'alice'},
    }
    # The adder's gateway saw the call under the Pub prefix call_job builds, with both headers.
    wait_until(lambda: 'INFO  POST /pub/job/adder/latest/api/v1/perform 200, '
                       'tracing_id=trace-chain-1, caller_name=alice' in adder.logs())
    request_line = 'DEBUG Request: POST /pub/job/adder/latest/api/v1/perform, tracing_id=trace-chain-1'
    assert request_line in adder.logs()
    wait_until(lambda: 'INFO  POST /api/v1/perform 200, tracing_id=trace-chain-1' in caller.logs())


def test_missing_incoming_headers_are_forwarded_empty(caller, adder):
    # Through the prefixed path too, and with the job's docs_input_example for an empty body.
    response = caller.request('POST', '/pub/job/caller/1.0.0/api/v1/perform', body=b'')
    assert (response.status, response.json()) == (200, {'sum': 12, 'mean': 3.0, 'computed_by': 'adder'})
    assert last_call(adder)['headers'] == {'X-Racetrack-Auth': TOKEN, 'X-Request-Tracing-Id': '',
                                           'X-Caller-Name': ''}


def test_adder_error_becomes_a_500_of_the_caller(caller, adder):
    response = caller.perform({'numbers': [1, 'two']}, headers={'X-Request-Tracing-Id': 'trace-bad'})
    assert response.status == 500
    body = response.json()
    assert body['type'] == 'RuntimeError'
    url = f'http://127.0.0.1:{adder.port}/pub/job/adder/latest/api/v1/perform'
    assert body['error'].startswith(
        f'failed to call job "adder latest" by caller: '
        f"Client error '400 Bad Request' for url '{url}'")
    # The adder's own error answer (a TypeError in perform is a 400) ends the message.
    adder_error = json.loads(body['error'].split('/Status/400: ', 1)[1])
    assert adder_error == {'error': "failed to call a function: unsupported operand type(s) for +: "
                                    "'int' and 'str'", 'type': 'ValueError'}


def test_unreachable_pub_gives_connection_refused(start_job):
    caller = start_caller(start_job, f'http://127.0.0.1:{free_port()}/pub')
    response = caller.perform({'numbers': [1]})
    assert response.status == 500
    assert response.json() == {
        'error': 'failed to call job "adder latest" by caller: [Errno 111] Connection refused',
        'type': 'RuntimeError',
    }
