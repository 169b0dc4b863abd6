"""The job's webview app (spec §10), run for each Http request the gateway forwards under
/api/v1/webview.

``webview_app(base_url)`` is called once with ``base_url = /pub/job/<name>/<version>/api/v1/webview``
and returns a WSGI app (2 parameters, e.g. Flask's ``app.wsgi_app``) or an ASGI app (3 parameters).

- WSGI, as the original's PathPrefixerWSGIMiddleware leaves it: ``SCRIPT_NAME`` is empty and
  ``PATH_INFO`` (and ``REQUEST_URI``/``RAW_URI``) is always ``base_url + <rest>``, whatever prefix
  the request came with, so a Flask app registers its routes as ``base_url + '/'`` and its
  ``url_for`` links are full prefixed paths.
- ASGI, as a Starlette Mount leaves it: ``root_path`` is the request's own prefix +
  ``/api/v1/webview`` and ``path`` the rest. ASGI apps run on one asyncio loop in a dedicated
  thread (``run_coroutine_threadsafe``).
- ``./static`` (relative to the working directory at load time), if it is a directory, is served at
  ``/api/v1/webview/static/…`` before the app, with validators as static endpoints have.
"""
from __future__ import annotations

import asyncio
import inspect
import io
import logging
import mimetypes
import os
import sys
import threading
from collections.abc import Callable
from pathlib import Path
from typing import Any
from urllib.parse import unquote, unquote_to_bytes

from racetrack_job_wrapper._worker.model import HttpRequest, HttpResponse

WEBVIEW_ROUTE = '/api/v1/webview'


def webview_base_url(job_name: str, job_version: str) -> str:
    return f'/pub/job/{job_name}/{job_version}{WEBVIEW_ROUTE}'


class Webview:
    def __init__(self, app: Callable[..., Any], base_url: str, static_dir: Path | None):
        self.app = app
        self.base_url = base_url
        self.static_dir = static_dir
        nparams = len(inspect.signature(app).parameters)
        if nparams == 2:
            self.asgi = False
        elif nparams == 3:
            self.asgi = True
        else:
            raise AssertionError('ASGI app should have 3 arguments: Scope, Receive, Send')
        self._loop: asyncio.AbstractEventLoop | None = None
        self._loop_lock = threading.Lock()

    # Requests --------------------------------------------------------------------------------

    def rest_of(self, path: str) -> str:
        """The request path below /api/v1/webview, always starting with '/'."""
        rest = path[len(WEBVIEW_ROUTE):] if path.startswith(WEBVIEW_ROUTE) else path
        return rest if rest.startswith('/') else '/' + rest

    def static_file(self, rest: str) -> Path | None | bool:
        """The file of ./static a request names; False if the request is not for ./static."""
        if self.static_dir is None or not rest.startswith('/static/'):
            return False
        relative = unquote(rest[len('/static/'):])
        candidate = (self.static_dir / relative).resolve()
        try:
            candidate.relative_to(self.static_dir)
        except ValueError:
            return None
        return candidate if candidate.is_file() else None

    def handle(self, request: HttpRequest) -> HttpResponse:
        rest = self.rest_of(request.path)
        if self.asgi:
            return self._run_asgi(request, rest)
        return self._run_wsgi(request, rest)

    # WSGI ------------------------------------------------------------------------------------

    def wsgi_environ(self, request: HttpRequest, rest: str) -> dict[str, Any]:
        full = self.base_url + rest
        path_info = unquote_to_bytes(full).decode('latin-1')
        raw_uri = full + ('?' + request.query if request.query else '')
        body = request.body
        environ: dict[str, Any] = {
            'REQUEST_METHOD': request.method or 'GET',
            'SCRIPT_NAME': '',
            'PATH_INFO': path_info,
            'REQUEST_URI': raw_uri,
            'RAW_URI': raw_uri,
            'QUERY_STRING': request.query,
            'SERVER_PROTOCOL': 'HTTP/1.1',
            'SERVER_NAME': 'localhost',
            'SERVER_PORT': '80',
            'REMOTE_ADDR': '127.0.0.1',
            'CONTENT_LENGTH': str(len(body)),
            'wsgi.version': (1, 0),
            'wsgi.url_scheme': 'http',
            'wsgi.input': io.BytesIO(body),
            'wsgi.errors': sys.stderr,
            'wsgi.multithread': True,
            'wsgi.multiprocess': False,
            'wsgi.run_once': False,
        }
        for raw_name, value in request.headers:
            name = raw_name.lower()
            if name == 'content-type':
                environ['CONTENT_TYPE'] = value
                continue
            if name == 'content-length':
                continue
            if name == 'host':
                host, _, port = value.partition(':')
                environ['SERVER_NAME'], environ['SERVER_PORT'] = host, port or '80'
            key = 'HTTP_' + name.upper().replace('-', '_')
            environ[key] = f'{environ[key]},{value}' if key in environ else value
        return environ

    def _run_wsgi(self, request: HttpRequest, rest: str) -> HttpResponse:
        environ = self.wsgi_environ(request, rest)
        started: dict[str, Any] = {}
        chunks: list[bytes] = []

        def start_response(status: str, headers: list[tuple[str, str]],
                           exc_info: Any = None) -> Callable[[bytes], None]:
            if exc_info and started:
                raise exc_info[1].with_traceback(exc_info[2])
            started['status'], started['headers'] = status, headers
            return chunks.append

        result = self.app(environ, start_response)
        try:
            for chunk in result:
                if chunk:
                    chunks.append(bytes(chunk))
        finally:
            close = getattr(result, 'close', None)
            if close is not None:
                close()
        status = int(started.get('status', '500').split(' ', 1)[0])
        headers = [(name.lower(), value) for name, value in started.get('headers', ())]
        return HttpResponse(status, b''.join(chunks), headers)

    # ASGI ------------------------------------------------------------------------------------

    def _event_loop(self) -> asyncio.AbstractEventLoop:
        with self._loop_lock:
            if self._loop is None:
                loop = asyncio.new_event_loop()
                threading.Thread(target=loop.run_forever, name='webview-asgi', daemon=True).start()
                self._loop = loop
            return self._loop

    def asgi_scope(self, request: HttpRequest, rest: str) -> dict[str, Any]:
        headers = [(n.lower().encode('latin-1'), v.encode('latin-1')) for n, v in request.headers]
        host = next((v.decode('latin-1') for n, v in headers if n == b'host'), 'localhost')
        server_host, _, port = host.partition(':')
        return {
            'type': 'http',
            'asgi': {'version': '3.0', 'spec_version': '2.3'},
            'http_version': '1.1',
            'method': request.method or 'GET',
            'scheme': 'http',
            'path': unquote(rest),
            'raw_path': rest.encode('latin-1', 'replace'),
            'query_string': request.query.encode('latin-1', 'replace'),
            'root_path': request.root_path + WEBVIEW_ROUTE,
            'headers': headers,
            'server': (server_host, int(port) if port.isdigit() else 80),
            'client': ('127.0.0.1', 0),
            'extensions': {},
            'state': {},
        }

    async def _call_asgi(self, scope: dict[str, Any], body: bytes) -> HttpResponse:
        out = HttpResponse(500)
        done = asyncio.Event()
        received = False
        chunks: list[bytes] = []

        async def receive() -> dict[str, Any]:
            nonlocal received
            if not received:
                received = True
                return {'type': 'http.request', 'body': body, 'more_body': False}
            await done.wait()
            return {'type': 'http.disconnect'}

        async def send(message: dict[str, Any]) -> None:
            kind = message.get('type')
            if kind == 'http.response.start':
                out.status = int(message['status'])
                for name, value in message.get('headers') or ():
                    out.headers.append((bytes(name).decode('latin-1').lower(),
                                        bytes(value).decode('latin-1')))
            elif kind == 'http.response.body':
                chunks.append(bytes(message.get('body') or b''))
                if not message.get('more_body', False):
                    done.set()

        try:
            await self.app(scope, receive, send)
        finally:
            done.set()
        out.body = b''.join(chunks)
        return out

    def _run_asgi(self, request: HttpRequest, rest: str) -> HttpResponse:
        scope = self.asgi_scope(request, rest)
        call = self._call_asgi(scope, request.body)
        future = asyncio.run_coroutine_threadsafe(call, self._event_loop())
        return future.result()


def load_webview(job: object, base_url: str, logger: logging.Logger) -> Webview | None:
    if not hasattr(job, 'webview_app'):
        return None
    app = job.webview_app(base_url)
    if app is None:
        return None
    static_dir = Path(os.getcwd(), 'static')
    webview = Webview(app, base_url, static_dir.resolve() if static_dir.is_dir() else None)
    logger.info(f'Webview app mounted at {base_url}')
    return webview


def guess_mimetype(path: Path) -> str:
    mimetype, _ = mimetypes.guess_type(str(path), strict=False)
    return mimetype or 'text/plain'
