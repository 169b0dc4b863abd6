"""The worker's Http RPC for static files: validators, 304 from a stat, missing files."""
from __future__ import annotations

from racetrack_job_wrapper._worker.http import serve_file
from racetrack_job_wrapper._worker.model import HttpRequest, HttpResponse


def headers_of(response: HttpResponse) -> dict[str, str]:
    return dict(response.headers)


def test_serve_file_then_not_modified(tmp_path):
    path = tmp_path / 'a.txt'
    path.write_text('hello')
    first = serve_file(HttpRequest(endpoint='/a'), path, 'text/plain')
    headers = headers_of(first)
    assert (first.status, first.body) == (200, b'hello')
    assert headers['content-type'] == 'text/plain; charset=utf-8'
    assert headers['etag'].startswith('"') and headers['last-modified'].endswith('GMT')
    request = HttpRequest(endpoint='/a', headers=[('if-none-match', headers['etag'])])
    again = serve_file(request, path, 'text/plain')
    assert (again.status, again.body, headers_of(again)['etag']) == (304, b'', headers['etag'])
    binary = serve_file(HttpRequest(), path, 'image/png')
    assert headers_of(binary)['content-type'] == 'image/png'


def test_missing_file_is_not_found(tmp_path):
    missing = serve_file(HttpRequest(), tmp_path / 'gone', 'text/plain')
    assert (missing.status, missing.body) == (404, b'{"detail":"Not Found"}')
