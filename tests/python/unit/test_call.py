"""Chain calls (spec §13): URL, headers and errors, against a local capturing HTTP server."""
from __future__ import annotations

import asyncio
import json
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from racetrack_job_wrapper._worker.request_context import Request, install_context_vars
from racetrack_job_wrapper.call import async_job_call, call_job, call_job_coroutine
from racetrack_job_wrapper.recordkeeper import remember_predecessor_id

from conftest import free_port


class Capture(BaseHTTPRequestHandler):
    requests: list[dict] = []
    answers: list[tuple[int, str]] = []  # popped per request; default 200 with the echo

    def _handle(self) -> None:
        length = int(self.headers.get('Content-Length') or 0)
        body = self.rfile.read(length) if length else b''
        Capture.requests.append({'method': self.command, 'path': self.path,
                                 'headers': {k.lower(): v for k, v in self.headers.items()}, 'body': body})
        status, text = Capture.answers.pop(0) if Capture.answers else (200, json.dumps({'echo': True}))
        data = text.encode()
        self.send_response(status)
        self.send_header('Content-Type', 'application/json')
        self.send_header('Content-Length', str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    do_GET = do_POST = do_PUT = _handle

    def log_message(self, *args) -> None:
        pass


@pytest.fixture
def pub(monkeypatch):
    Capture.requests, Capture.answers = [], []
    server = ThreadingHTTPServer(('127.0.0.1', 0), Capture)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    url = f'http://127.0.0.1:{server.server_address[1]}/pub'
    monkeypatch.setenv('PUB_URL', url)
    monkeypatch.setenv('JOB_NAME', 'chainer')
    monkeypatch.setenv('AUTH_TOKEN', 'secret-token')
    yield url
    server.shutdown()
    server.server_close()


class Job:
    pass


def job_in_request(headers: dict[str, str]) -> Job:
    job = Job()
    context, extra = install_context_vars(job)
    context.set(Request('POST', '/api/v1/perform', '', list(headers.items())))
    extra.set({})
    return job


def test_call_job_sends_the_original_headers(pub):
    job = job_in_request({'x-request-tracing-id': 'trace-9', 'x-caller-name': 'alice'})
    result = call_job(job, 'adder', payload={'numbers': [1, 2]})
    assert result == {'echo': True}
    sent = Capture.requests[-1]
    assert sent['method'] == 'POST'
    assert sent['path'] == '/pub/job/adder/latest/api/v1/perform'
    assert sent['headers']['x-racetrack-auth'] == 'secret-token'
    assert sent['headers']['x-request-tracing-id'] == 'trace-9'
    assert sent['headers']['x-caller-name'] == 'alice'
    assert sent['headers']['content-type'] == 'application/json'
    assert 'x-recordkeeper-predecessor-id' not in sent['headers']
    assert json.loads(sent['body']) == {'numbers': [1, 2]}


def test_missing_incoming_headers_are_sent_empty_and_predecessor_forwarded(pub):
    job = job_in_request({'x-recordkeeper-predecessor-id': 'rk-incoming'})
    call_job(job, 'adder', path='/api/v1/explain', version='1.2.3', method='get')
    sent = Capture.requests[-1]
    assert sent['method'] == 'GET'
    assert sent['path'] == '/pub/job/adder/1.2.3/api/v1/explain'
    assert sent['headers']['x-request-tracing-id'] == ''
    assert sent['headers']['x-caller-name'] == ''
    assert sent['headers']['x-recordkeeper-predecessor-id'] == 'rk-incoming'
    assert sent['body'] == b''
    remember_predecessor_id(job, 'rk-remembered')
    call_job(job, 'adder')
    assert Capture.requests[-1]['headers']['x-recordkeeper-predecessor-id'] == 'rk-remembered'


def test_custom_header_names(pub, monkeypatch):
    monkeypatch.setenv('REQUEST_TRACING_HEADER', 'X-Trace')
    job = job_in_request({'x-trace': 'abc'})
    call_job(job, 'adder')
    assert Capture.requests[-1]['headers']['x-trace'] == 'abc'


def test_http_error_message(pub):
    Capture.answers.append((404, '{"error":"no such job"}'))
    with pytest.raises(RuntimeError) as error:
        call_job(job_in_request({}), 'ghost')
    assert str(error.value) == (
        'failed to call job "ghost latest" by chainer: Client error \'404 Not Found\' for url '
        f"'{pub}/job/ghost/latest/api/v1/perform'\n"
        'For more information check: https://developer.mozilla.org/en-US/docs/Web/HTTP/Status/404: '
        '{"error":"no such job"}')


def test_connection_refused(monkeypatch):
    monkeypatch.setenv('PUB_URL', f'http://127.0.0.1:{free_port()}/pub')
    monkeypatch.setenv('JOB_NAME', 'chainer')
    monkeypatch.setenv('AUTH_TOKEN', 't')
    with pytest.raises(RuntimeError) as error:
        call_job(job_in_request({}), 'adder')
    assert str(error.value) == 'failed to call job "adder latest" by chainer: [Errno 111] Connection refused'


def test_missing_environment(monkeypatch):
    monkeypatch.delenv('JOB_NAME', raising=False)
    with pytest.raises(RuntimeError, match='by None: JOB_NAME env var is not set'):
        call_job(job_in_request({}), 'adder')
    monkeypatch.setenv('JOB_NAME', 'chainer')
    monkeypatch.delenv('PUB_URL', raising=False)
    with pytest.raises(RuntimeError, match='by chainer: PUB_URL env var is not set'):
        call_job(job_in_request({}), 'adder')


def test_coroutine_keeps_the_request_context(pub):
    job = job_in_request({'x-request-tracing-id': 'async-trace'})
    assert asyncio.run(call_job_coroutine(job, 'adder', payload={})) == {'echo': True}
    assert Capture.requests[-1]['headers']['x-request-tracing-id'] == 'async-trace'


def test_async_job_call_polls_until_done(pub):
    Capture.answers.extend([(200, '{"task_id": "t-1"}'), (202, '{}'), (504, '{}'), (200, '{"result": 3}')])
    assert async_job_call(job_in_request({}), 'adder', payload={'numbers': [1, 2]}) == {'result': 3}
    paths = [r['path'] for r in Capture.requests]
    assert paths == ['/pub/async/new/job/adder/latest/api/v1/perform'] + ['/pub/async/task/t-1/poll'] * 3
    assert 'x-racetrack-auth' not in Capture.requests[-1]['headers']
