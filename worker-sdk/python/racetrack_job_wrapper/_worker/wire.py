"""The transport edge: the worker contract's protobuf messages ↔ the worker's plain data (model.py).

Nothing past this module sees a protobuf type. The type strings of errors that the gateway and
both SDKs share come from the contract's ErrorType here, and nowhere else.
"""
from __future__ import annotations

from collections.abc import Iterator, Sequence
from typing import overload

from google.protobuf.internal.containers import RepeatedCompositeFieldContainer

from racetrack_job_wrapper._proto import worker_pb2 as pb
from racetrack_job_wrapper._worker.endpoints import (
    KIND_AUXILIARY,
    KIND_PERFORM,
    KIND_STATIC,
    KIND_WEBVIEW,
)
from racetrack_job_wrapper._worker.errors import error_body
from racetrack_job_wrapper._worker.host import SDK_NAME, JobHost
from racetrack_job_wrapper._worker.metrics import Scrape
from racetrack_job_wrapper._worker.model import (
    Call,
    Failure,
    HttpRequest,
    HttpResponse,
    Outcome,
    SharedError,
)

_KINDS = {KIND_PERFORM: pb.ENDPOINT_KIND_PERFORM, KIND_AUXILIARY: pb.ENDPOINT_KIND_AUXILIARY,
          KIND_STATIC: pb.ENDPOINT_KIND_STATIC, KIND_WEBVIEW: pb.ENDPOINT_KIND_WEBVIEW}
_SHARED_ERRORS = {SharedError.JOB_NOT_READY: pb.JobNotReady,
                  SharedError.WORKER_UNAVAILABLE: pb.WorkerUnavailable,
                  SharedError.TIMEOUT: pb.Timeout}
_JSON = 'application/json'


def type_name(kind: str | SharedError) -> str:
    """An error's type string: a shared error's name in the contract, else the given string."""
    return pb.ErrorType.Name(_SHARED_ERRORS[kind]) if isinstance(kind, SharedError) else kind


class HeaderPairs(Sequence[tuple[str, str]]):
    """A message's headers as (name, value) pairs, read only when someone looks: most calls never
    do, and reading a message's fields costs more than the rest of the call's bookkeeping."""
    __slots__ = ('_headers',)

    def __init__(self, headers: RepeatedCompositeFieldContainer[pb.Header]):
        self._headers = headers

    def __len__(self) -> int:
        return len(self._headers)

    @overload
    def __getitem__(self, index: int) -> tuple[str, str]: ...
    @overload
    def __getitem__(self, index: slice) -> Sequence[tuple[str, str]]: ...

    def __getitem__(self, index: int | slice) -> tuple[str, str] | Sequence[tuple[str, str]]:
        if isinstance(index, slice):
            return [(h.name, h.value) for h in self._headers[index]]
        h = self._headers[index]
        return h.name, h.value

    def __iter__(self) -> Iterator[tuple[str, str]]:
        for h in self._headers:
            yield h.name, h.value


# Calls stream --------------------------------------------------------------------------------

def call_from_pb(call: pb.Call) -> Call:
    return Call(call.id, call.endpoint, call.payload_json, call.method, call.query, HeaderPairs(call.headers),
                call.timeout_ms)


def reply_to_pb(call_id: int, outcome: Outcome) -> pb.Reply:
    failure = outcome.failure
    if failure is None:
        return pb.Reply(id=call_id, result_json=outcome.result_json)
    reply = pb.Reply(id=call_id)
    error = reply.error
    error.http_status = failure.http_status
    error.type = type_name(failure.type)
    error.message = failure.message
    return reply


# Http ----------------------------------------------------------------------------------------

def http_request_from_pb(request: pb.HttpRequest) -> HttpRequest:
    return HttpRequest(request.endpoint, request.method, request.path, request.query,
                       HeaderPairs(request.headers), request.body, request.root_path)


def http_response_to_pb(answer: HttpResponse | Failure) -> pb.HttpResponse:
    if isinstance(answer, Failure):
        answer = HttpResponse(answer.http_status, error_body(answer.message, type_name(answer.type)),
                              [('content-type', _JSON)])
    out = pb.HttpResponse(status=answer.status, body=answer.body)
    for name, value in answer.headers:
        out.headers.add(name=name, value=value)
    return out


# Describe and Metrics ------------------------------------------------------------------------

def describe(host: JobHost) -> pb.JobDescription:
    out = pb.JobDescription()
    state = host.state
    if state == host.READY:
        for e in host.endpoints.values():
            endpoint = out.endpoints.add(path=e.path, methods=list(e.methods), kind=_KINDS[e.kind],
                                         summary=e.summary, description=e.description, mimetype=e.mimetype)
            if e.input_example_json is not None:
                endpoint.input_example_json = e.input_example_json
            if e.openapi_operation_json:
                endpoint.openapi_operation_json = e.openapi_operation_json
            endpoint.path_template = e.pattern is not None
        out.parameters_json = host.parameters_json
        out.state = pb.WORKER_STATE_READY
    elif state == host.FAILED:
        out.state = pb.WORKER_STATE_FAILED
        out.init_error = host.init_error
    else:
        out.state = pb.WORKER_STATE_LOADING
    out.class_name = host.class_name
    out.max_concurrency = host.threads
    out.sdk = SDK_NAME
    return out


def metrics_to_pb(scrape: Scrape) -> pb.MetricsReply:
    reply = pb.MetricsReply(error=scrape.error)
    for m in scrape.metrics:
        metric = reply.metrics.add(name=m.name, value=m.value, description=m.description)
        for key, label in m.labels.items():
            metric.labels[key] = label
    return reply
