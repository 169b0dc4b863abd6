"""The edge between the C++ worker runtime and the Python job host: plain values in and out.

RuntimeHost is the object the runtime calls (native/python_backend.h lists the methods), with the
GIL held only for the call. It turns the runtime's arguments into the worker's own data
(model.py), runs them through the JobHost, and hands back tuples and strings the runtime turns
into the contract's messages. The type strings of errors the gateway and both SDKs share come
from the contract, through the runtime, here and nowhere else.
"""
from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from racetrack_job_wrapper._worker.endpoints import Endpoint
from racetrack_job_wrapper._worker.errors import error_body
from racetrack_job_wrapper._worker.host import JobHost
from racetrack_job_wrapper._worker.http import HttpDispatch
from racetrack_job_wrapper._worker.invoke import ProcessExit, exit_process
from racetrack_job_wrapper._worker.metrics import collect_metrics
from racetrack_job_wrapper._worker.model import Failure, HttpRequest, HttpResponse, SharedError
from racetrack_job_wrapper._worker.native import runtime
from racetrack_job_wrapper._worker.request_context import Request

_SHARED_ERRORS = {SharedError.JOB_NOT_READY: runtime.JOB_NOT_READY,
                  SharedError.WORKER_UNAVAILABLE: runtime.WORKER_UNAVAILABLE,
                  SharedError.TIMEOUT: runtime.TIMEOUT}
_JSON = 'application/json'

Headers = Sequence[tuple[str, str]]
CallAnswer = str | tuple[int, str, str]  # the result's JSON text, or (status, type, message)


def type_name(kind: str | SharedError) -> str:
    """An error's type string: a shared error's name in the contract, else the given string."""
    return str(_SHARED_ERRORS[kind]) if isinstance(kind, SharedError) else kind


def error_answer(failure: Failure) -> tuple[int, str, str]:
    return failure.http_status, type_name(failure.type), failure.message


class RuntimeHost:
    def __init__(self, host: JobHost):
        self.host = host
        self._http = HttpDispatch(host)
        self._json_calls: dict[str, Endpoint] = {}

    @property
    def class_name(self) -> str:
        return self.host.class_name

    @property
    def init_error(self) -> str:
        return self.host.init_error

    def load(self) -> bool:
        """Constructs the job (on the runtime's loader thread); True once it is ready."""
        ready = self.host.load() == JobHost.READY
        if ready:
            self._json_calls = {path: e for path, e in self.host.endpoints.items() if e.json_call}
        return ready

    def native_describe(self) -> tuple[list[tuple[Any, ...]], str]:
        endpoints = [(e.path, list(e.methods), e.kind, e.summary, e.description, e.input_example_json,
                      e.mimetype, e.openapi_operation_json, e.pattern is not None)
                     for e in self.host.endpoints.values()]
        return endpoints, self.host.parameters_json

    def native_call(self, endpoint: str, payload: str, method: str, query: str, headers: Headers,
                    token: Any, deadline: float | None) -> CallAnswer:
        """One JSON call (perform, auxiliary v1): the body is the handler's keyword arguments."""
        target = self._json_calls.get(endpoint)
        invoker = self.host.invoker
        if target is None or invoker is None:
            return 404, 'EntityNotFound', f'endpoint not found: {endpoint}'
        request = Request(method or 'POST', '/api/v1' + endpoint, query, headers,
                          cancellation=token, deadline=deadline)
        try:
            answer = invoker.answer(target, payload, request)
        except ProcessExit as e:
            exit_process(e)
            raise
        return answer if isinstance(answer, str) else error_answer(answer)

    def native_http(self, endpoint: str, method: str, path: str, query: str, headers: Headers,
                    body: bytes, root_path: str) -> tuple[int, list[tuple[str, str]], bytes]:
        """An HTTP-shaped call (static file, auxiliary v2, webview)."""
        answer = self._http.handle(HttpRequest(endpoint, method, path, query, headers, body, root_path))
        if isinstance(answer, Failure):
            answer = HttpResponse(answer.http_status, error_body(answer.message, type_name(answer.type)),
                                  [('content-type', _JSON)])
        return answer.status, list(answer.headers), answer.body

    def native_metrics(self) -> tuple[list[tuple[str, float, str, dict[str, str]]], str]:
        scrape = collect_metrics(self.host.job if self.host.state == JobHost.READY else None)
        return [(m.name, m.value, m.description, m.labels) for m in scrape.metrics], scrape.error
