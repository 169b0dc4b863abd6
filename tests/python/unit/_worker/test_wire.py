"""The transport edge: protobuf ↔ plain data, and the shared error types named by the contract."""
from __future__ import annotations

import json

from racetrack_job_wrapper._proto import worker_pb2 as pb
from racetrack_job_wrapper._worker.metrics import Scrape
from racetrack_job_wrapper._worker.model import Failure, HttpResponse, Metric, Outcome, SharedError
from racetrack_job_wrapper._worker.wire import (
    call_from_pb,
    http_request_from_pb,
    http_response_to_pb,
    metrics_to_pb,
    reply_to_pb,
    type_name,
)


def test_shared_error_names_come_from_the_contract():
    assert [type_name(e) for e in SharedError] == ['JobNotReady', 'WorkerUnavailable', 'Timeout']
    assert type_name('ValueError') == 'ValueError'


def test_calls_and_replies():
    call = call_from_pb(pb.Call(id=7, endpoint='/perform', payload_json='{}', method='POST', query='a=1',
                                headers=[pb.Header(name='x-a', value='1')], timeout_ms=50))
    assert (call.id, call.endpoint, call.query, list(call.headers), call.timeout_ms) == \
        (7, '/perform', 'a=1', [('x-a', '1')], 50)
    assert reply_to_pb(7, Outcome(result_json='true')) == pb.Reply(id=7, result_json='true')
    reply = reply_to_pb(8, Outcome.failed(503, SharedError.JOB_NOT_READY, 'loading'))
    assert (reply.id, reply.error.http_status, reply.error.type, reply.error.message) == \
        (8, 503, 'JobNotReady', 'loading')


def test_http_requests_and_answers():
    request = http_request_from_pb(pb.HttpRequest(endpoint='/webview', method='PUT', path='/api/v1/webview/x',
                                                  headers=[pb.Header(name='if-none-match', value='"e"')],
                                                  body=b'\x00\xff', root_path='/pub/job/a/1'))
    assert (request.header('if-none-match'), request.body, request.root_path) == \
        ('"e"', b'\x00\xff', '/pub/job/a/1')
    ok = http_response_to_pb(HttpResponse(201, b'hi', [('set-cookie', 'a=1'), ('set-cookie', 'b=2')]))
    assert (ok.status, ok.body, [(h.name, h.value) for h in ok.headers]) == \
        (201, b'hi', [('set-cookie', 'a=1'), ('set-cookie', 'b=2')])
    failed = http_response_to_pb(Failure(503, SharedError.JOB_NOT_READY, 'the job is not ready yet'))
    assert failed.status == 503
    assert [(h.name, h.value) for h in failed.headers] == [('content-type', 'application/json')]
    assert failed.body == b'{"error":"the job is not ready yet","type":"JobNotReady"}'
    body = http_response_to_pb(Failure(500, 'KeyError', "'k'")).body
    assert json.loads(body) == {'error': "'k'", 'type': 'KeyError'}


def test_metrics():
    reply = metrics_to_pb(Scrape([Metric('m', 1.5, 'd', {'k': 'v'})], error=''))
    assert [(m.name, m.value, m.description, dict(m.labels)) for m in reply.metrics] == \
        [('m', 1.5, 'd', {'k': 'v'})]
    assert metrics_to_pb(Scrape([], 'RuntimeError: x')).error == 'RuntimeError: x'
