"""The worker's side of the Http RPC: what is not a JSON call: static files (spec §9.3), aux v2
endpoints (§9.2, parameters bound in binding.py) and the webview app (§10, webview.py).

Static files carry validators made from a stat() (ETag from mtime and size, Last-Modified). The
gateway keeps the bytes and revalidates with If-None-Match on every request, so an unchanged file
costs a stat and a 304 here, while an edited one is read and sent again at once.

Answers are HttpResponse, or a Failure that the transport renders as an error body.
"""
from __future__ import annotations

import email.utils
import os
from pathlib import Path

from racetrack_job_wrapper._worker.binding import ParameterErrors, bind
from racetrack_job_wrapper._worker.endpoints import KIND_AUXILIARY, KIND_STATIC, KIND_WEBVIEW, Endpoint
from racetrack_job_wrapper._worker.errors import detail_body
from racetrack_job_wrapper._worker.host import JobHost
from racetrack_job_wrapper._worker.invoke import ProcessExit, exit_process
from racetrack_job_wrapper._worker.model import Failure, HttpRequest, HttpResponse, SharedError
from racetrack_job_wrapper._worker.request_context import Request
from racetrack_job_wrapper._worker.webview import guess_mimetype
from racetrack_job_wrapper.log.logs import get_logger

logger = get_logger(__name__)

NOT_FOUND = detail_body('Not Found')
JSON = 'application/json'
API_PREFIX = '/api/v1'

HttpAnswer = HttpResponse | Failure


def response(status: int, body: bytes = b'', content_type: str | None = None,
             headers: list[tuple[str, str]] | None = None) -> HttpResponse:
    out = HttpResponse(status, body)
    if content_type:
        out.headers.append(('content-type', content_type))
    out.headers.extend(headers or ())
    return out


def not_found() -> HttpResponse:
    return response(404, NOT_FOUND, JSON)


def static_validators(st: os.stat_result) -> list[tuple[str, str]]:
    return [('etag', f'"{st.st_mtime_ns:x}-{st.st_size:x}"'),
            ('last-modified', email.utils.formatdate(st.st_mtime, usegmt=True))]


def serve_file(request: HttpRequest, filename: str | Path, mimetype: str) -> HttpResponse:
    """The file with its validators; 304 if the gateway's If-None-Match still matches."""
    try:
        st = os.stat(filename)
        validators = static_validators(st)
        if request.header('if-none-match') == validators[0][1]:
            return response(304, headers=validators)
        body = Path(filename).read_bytes()
    except (FileNotFoundError, IsADirectoryError, NotADirectoryError):
        return not_found()
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

    def __init__(self, host: JobHost):
        self._host = host

    def handle(self, request: HttpRequest) -> HttpAnswer:
        host = self._host
        if host.state != host.READY:
            return Failure(503, SharedError.JOB_NOT_READY, 'the job is not ready yet')
        endpoint = host.endpoints.get(request.endpoint)
        if endpoint is None:
            return not_found()
        try:
            if endpoint.kind == KIND_STATIC:
                return serve_file(request, endpoint.static_file, endpoint.mimetype)
            if endpoint.kind == KIND_AUXILIARY and endpoint.v2:
                return self._aux_v2(endpoint, request)
            if endpoint.kind == KIND_WEBVIEW and host.webview is not None:
                return self._webview(request)
            return not_found()
        except ProcessExit as e:
            exit_process(e)
            raise
        except Exception as e:  # noqa: BLE001 - an HTTP endpoint's failure is a 500, not a crash
            logger.exception(f'{request.method} {request.path} failed: {e}')
            return Failure(500, type(e).__name__, str(e))

    def _aux_v2(self, endpoint: Endpoint, request: HttpRequest) -> HttpAnswer:
        """Parameters are bound from the path, query, headers and body (422 when they do not
        fit); the call then runs as perform's, its result and errors rendered alike."""
        path_params = _path_params(endpoint, request.path)
        if path_params is None or self._host.invoker is None:
            return not_found()
        try:
            headers = {name.lower(): value for name, value in request.headers}
            kwargs = bind(endpoint.params, path_params, request.query, headers, request.body)
        except ParameterErrors as e:
            return response(422, e.body(), JSON)
        job_request = Request(request.method or 'GET', request.path, request.query, request.headers,
                              path_params)
        outcome = self._host.invoker.run(endpoint, lambda: kwargs, job_request)
        failure = outcome.failure
        if failure is None:
            return response(200, outcome.result_json.encode(), JSON)
        if failure.type == 'HTTPException':
            return response(failure.http_status, detail_body(failure.message), JSON)
        return failure

    def _webview(self, request: HttpRequest) -> HttpResponse:
        webview = self._host.webview
        assert webview is not None
        rest = webview.rest_of(request.path)
        static = webview.static_file(rest)
        if static is not False:
            if static is None or static is True:
                return not_found()
            return serve_file(request, static, guess_mimetype(static))
        return webview.handle(request)
