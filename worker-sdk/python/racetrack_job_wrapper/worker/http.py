"""The worker's side of the Http RPC: what is not a JSON call: static files (spec §9.3), aux v2
endpoints (§9.2, parameters bound in binding.py) and the webview app (§10, webview.py).

Static files carry validators made from a stat() (ETag from mtime and size, Last-Modified). The
gateway keeps the bytes and revalidates with If-None-Match on every request, so an unchanged file
costs a stat and a 304 here, while an edited one is read and sent again at once.
"""
from __future__ import annotations

import email.utils
import json
import os
from pathlib import Path

from racetrack_job_wrapper._proto import worker_pb2 as pb
from racetrack_job_wrapper.log.logs import get_logger
from racetrack_job_wrapper.worker.endpoints import KIND_AUXILIARY, KIND_STATIC, KIND_WEBVIEW, Endpoint
from racetrack_job_wrapper.worker.host import ProcessExit, exit_process
from racetrack_job_wrapper.worker.webview import guess_mimetype

logger = get_logger(__name__)

NOT_FOUND = b'{"detail":"Not Found"}'
JSON = 'application/json'
API_PREFIX = '/api/v1'


def header(request: pb.HttpRequest, name: str) -> str | None:
    for h in request.headers:
        if h.name == name:
            return h.value
    return None


def response(status: int, body: bytes = b'', content_type: str | None = None,
             headers: list[tuple[str, str]] | None = None) -> pb.HttpResponse:
    out = pb.HttpResponse(status=status, body=body)
    if content_type:
        out.headers.add(name='content-type', value=content_type)
    for name, value in headers or ():
        out.headers.add(name=name, value=value)
    return out


def error_response(status: int, message: str, kind: str) -> pb.HttpResponse:
    return response(status, json.dumps({'error': message, 'type': kind}).encode(), JSON)


def static_validators(st: os.stat_result) -> list[tuple[str, str]]:
    return [('etag', f'"{st.st_mtime_ns:x}-{st.st_size:x}"'),
            ('last-modified', email.utils.formatdate(st.st_mtime, usegmt=True))]


def serve_file(request: pb.HttpRequest, filename: str | Path, mimetype: str) -> pb.HttpResponse:
    """The file with its validators; 304 if the gateway's If-None-Match still matches."""
    try:
        st = os.stat(filename)
        validators = static_validators(st)
        if header(request, 'if-none-match') == validators[0][1]:
            return response(304, headers=validators)
        body = Path(filename).read_bytes()
    except (FileNotFoundError, IsADirectoryError, NotADirectoryError):
        return response(404, NOT_FOUND, JSON)
    content_type = f'{mimetype}; charset=utf-8' if mimetype.startswith('text/') else mimetype
    return response(200, body, content_type, validators)


def _path_params(endpoint: Endpoint, path: str) -> dict[str, str] | None:
    rest = path[len(API_PREFIX):] if path.startswith(API_PREFIX) else path
    if endpoint.pattern is None:
        return {}
    found = endpoint.pattern.match(rest)
    return found.groupdict() if found else None


class HttpDispatch:
    """Routes one HttpRequest to the endpoint Describe listed under request.endpoint."""

    def __init__(self, host):
        self._host = host

    def handle(self, request: pb.HttpRequest) -> pb.HttpResponse:
        host = self._host
        if host.state != host.READY:
            return error_response(503, 'the job is not ready yet', 'JobNotReady')
        endpoint: Endpoint | None = host.endpoints.get(request.endpoint)
        if endpoint is None:
            return response(404, NOT_FOUND, JSON)
        try:
            if endpoint.kind == KIND_STATIC:
                return serve_file(request, endpoint.static_file, endpoint.mimetype)
            if endpoint.kind == KIND_AUXILIARY and endpoint.v2:
                return self._aux_v2(endpoint, request)
            if endpoint.kind == KIND_WEBVIEW and host.webview is not None:
                return self._webview(request)
            return response(404, NOT_FOUND, JSON)
        except ProcessExit as e:
            exit_process(e)
            raise
        except Exception as e:  # noqa: BLE001 - an HTTP endpoint's failure is a 500, not a crash
            logger.exception(f'{request.method} {request.path} failed: {e}')
            return error_response(500, str(e), type(e).__name__)

    def _aux_v2(self, endpoint: Endpoint, request: pb.HttpRequest) -> pb.HttpResponse:
        path_params = _path_params(endpoint, request.path)
        if path_params is None:
            return response(404, NOT_FOUND, JSON)
        status, body = self._host.invoke_v2(endpoint, request, path_params)
        return response(status, body.encode(), JSON)

    def _webview(self, request: pb.HttpRequest) -> pb.HttpResponse:
        webview = self._host.webview
        rest = webview.rest_of(request.path)
        static = webview.static_file(rest)
        if static is not False:
            if static is None:
                return response(404, NOT_FOUND, JSON)
            return serve_file(request, static, guess_mimetype(static))
        return webview.handle(request)
