"""JobHost: loads the job in the background, describes it, and runs single calls against it.

States: LOADING (the gRPC server already answers: health NOT_SERVING, Describe LOADING), then
READY, or FAILED with the original's error text, after which the process stays up (spec §2.3).
"""
from __future__ import annotations

import contextvars
import json
import os
import sys
import threading
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from racetrack_job_wrapper import __version__
from racetrack_job_wrapper._proto import worker_pb2 as pb
from racetrack_job_wrapper.docs import validate_entrypoint
from racetrack_job_wrapper.job_errors import JobFailure, call_failed, log_job_exception, map_exception
from racetrack_job_wrapper.log.exception import exception_details, short_exception_details
from racetrack_job_wrapper.log.logs import get_logger, is_env_flag
from racetrack_job_wrapper.manifest import jobtype_extra_int, read_job_manifest_dict
from racetrack_job_wrapper.parameters import list_entrypoint_parameters
from racetrack_job_wrapper.request_context import (
    Request,
    caller_header_name,
    install_context_vars,
    tracing_header_name,
)
from racetrack_job_wrapper.response import jsonable, render, result_to_json, to_json_serializable
from racetrack_job_wrapper.worker.binding import ParameterErrors, bind
from racetrack_job_wrapper.worker.endpoints import (
    ANY_METHOD,
    KIND_AUXILIARY,
    KIND_PERFORM,
    KIND_STATIC,
    KIND_WEBVIEW,
    WEBVIEW_PATH,
    Endpoint,
    collect_endpoints,
    match_v2,
)
from racetrack_job_wrapper.worker.webview import Webview, load_webview, webview_base_url

logger = get_logger(__name__)

SDK_NAME = f'python/{__version__}'
DEFAULT_THREADS = 40  # the original's anyio thread limit
THREADS_ENV = 'RACETRACK_WORKER_THREADS'
_KINDS = {KIND_PERFORM: pb.ENDPOINT_KIND_PERFORM, KIND_AUXILIARY: pb.ENDPOINT_KIND_AUXILIARY,
          KIND_STATIC: pb.ENDPOINT_KIND_STATIC, KIND_WEBVIEW: pb.ENDPOINT_KIND_WEBVIEW}
_FAST_RESULTS = (bool, int, str, type(None))


class ProcessExit(Exception):
    """The job raised SystemExit or KeyboardInterrupt in a call: the worker process must exit."""

    def __init__(self, code: int, reason: str):
        super().__init__(reason)
        self.code = code


@dataclass
class JobSpec:
    """Where the job class comes from and how it is loaded."""
    load_class: Callable[[], type]   # imports the module and returns the class
    manifest_path: str | None = None
    validate_examples: bool = True   # the CLI validates input examples; serve_job_class does not
    library_mode: bool = False       # serve_job_class: log 'Creating a Job instance...'
    instance: object | None = None   # serve_job_instance: already built


def _reply_error(reply: pb.Reply, failure: JobFailure) -> pb.Reply:
    reply.error.http_status = failure.http_status
    reply.error.type = failure.type
    reply.error.message = failure.message
    return reply


def error_reply(call_id: int, status: int, kind: str, message: str) -> pb.Reply:
    return _reply_error(pb.Reply(id=call_id), JobFailure(status, kind, message))


def configured_threads(manifest: dict[str, Any]) -> tuple[int, str]:
    """The call pool's size and where it comes from: $RACETRACK_WORKER_THREADS, else the
    manifest's max_concurrency (if > 0), else 40."""
    env = os.environ.get(THREADS_ENV, '')
    if env.isdigit() and int(env) > 0:
        return int(env), THREADS_ENV
    max_concurrency = jobtype_extra_int(manifest, 'max_concurrency')
    if max_concurrency:
        return max_concurrency, 'jobtype_extra.max_concurrency'
    return DEFAULT_THREADS, 'default'


class JobHost:
    LOADING, READY, FAILED = 'loading', 'ready', 'failed'

    def __init__(self, spec: JobSpec):
        self.spec = spec
        self.state = self.LOADING
        self.init_error = ''
        self.class_name = ''
        self.threads = 0
        self.manifest: dict[str, Any] = {}
        self.job: object | None = None
        self.endpoints: dict[str, Endpoint] = {}
        self.webview: Webview | None = None
        self._description = pb.JobDescription()
        self._request_context: contextvars.ContextVar | None = None
        self._request_extra: contextvars.ContextVar | None = None
        self._settled = threading.Event()
        self._on_settled: list[Callable[[str], None]] = []
        self._log_caller = is_env_flag('LOG_CALLER_NAME')
        self._tracing_header = tracing_header_name().lower()
        self._caller_header = caller_header_name().lower()

    # Loading -------------------------------------------------------------------------------

    def on_settled(self, callback: Callable[[str], None]) -> None:
        self._on_settled.append(callback)

    def start_loading(self) -> None:
        threading.Thread(target=self.load, name='job-loader', daemon=True).start()

    def load(self) -> None:
        try:
            self._load()
            state = self.READY
        except BaseException as e:  # noqa: B036 - SystemExit in __init__ is an init failure too
            self.job = None
            self.init_error = short_exception_details(e)
            message, cause, tb = exception_details(e)
            logger.error(f'Initialization error: {message}', extra={'cause': cause, 'traceback': tb})
            state = self.FAILED
        self.state = state
        self._settled.set()
        for callback in self._on_settled:
            callback(state)

    def _load(self) -> None:
        self.manifest = read_job_manifest_dict(self.spec.manifest_path)
        self.threads, source = configured_threads(self.manifest)
        jobtype_extra_int(self.manifest, 'max_concurrency_queue')  # validated as the original does
        logger.info(f'calls run on a pool of {self.threads} threads ({source})')
        if self.spec.instance is not None:
            job = self.spec.instance
            self.class_name = type(job).__name__
        else:
            cls = self.spec.load_class()
            self.class_name = cls.__name__
            logger.info(f'loaded job class: {self.class_name}')
            if self.spec.library_mode:
                logger.debug('Creating a Job instance...')
            job = cls()
            if self.spec.library_mode:
                logger.debug('Job instance created')
        self._request_context, self._request_extra = install_context_vars(job)
        if self.spec.validate_examples:
            aux = job.auxiliary_endpoints() if hasattr(job, 'auxiliary_endpoints') else {}
            validate_entrypoint(job, list(aux))
        endpoints = collect_endpoints(job)
        self.webview = load_webview(job, webview_base_url(*self.name_and_version()), logger)
        if self.webview is not None:
            # Listed first, after perform: the webview mounts win over aux routes below it (§6).
            perform = next(iter(endpoints.items()))
            endpoints = {perform[0]: perform[1],
                         WEBVIEW_PATH: Endpoint(WEBVIEW_PATH, KIND_WEBVIEW, ANY_METHOD,
                                                summary='Webview app'),
                         **{k: v for k, v in endpoints.items() if k != perform[0]}}
        self.endpoints = endpoints
        self._description = self._build_description(job)
        self.job = job

    def wait_settled(self, timeout: float | None = None) -> str:
        self._settled.wait(timeout)
        return self.state

    def _build_description(self, job: object) -> pb.JobDescription:
        d = pb.JobDescription(class_name=self.class_name)
        for e in self.endpoints.values():
            endpoint = d.endpoints.add(path=e.path, methods=list(e.methods), kind=_KINDS[e.kind],
                                       summary=e.summary, description=e.description, mimetype=e.mimetype)
            if e.input_example_json is not None:
                endpoint.input_example_json = e.input_example_json
            if e.openapi_operation_json:
                endpoint.openapi_operation_json = e.openapi_operation_json
            endpoint.path_template = e.pattern is not None
        d.parameters_json = self._parameters_json(job)
        return d

    @staticmethod
    def _parameters_json(job: object) -> str:
        if not hasattr(job, 'perform'):
            return '[]'
        try:
            return result_to_json(list_entrypoint_parameters(job))
        except Exception as e:
            logger.warning(f'cannot describe the parameters of perform: {e}')
            return '[]'

    def describe(self) -> pb.JobDescription:
        out = pb.JobDescription()
        state = self.state
        if state == self.READY:
            out.CopyFrom(self._description)
            out.state = pb.WORKER_STATE_READY
        elif state == self.FAILED:
            out.state = pb.WORKER_STATE_FAILED
            out.init_error = self.init_error
        else:
            out.state = pb.WORKER_STATE_LOADING
        out.class_name = self.class_name
        out.max_concurrency = self.threads
        out.sdk = SDK_NAME
        return out

    def name_and_version(self) -> tuple[str, str]:
        """As the original resolves them for base_url (spec §5.2)."""
        name = os.environ.get('JOB_NAME') or str(self.manifest.get('name') or '') or 'JOB_NAME'
        version = os.environ.get('JOB_VERSION') or str(self.manifest.get('version') or '') or 'JOB_VERSION'
        return name, version

    # Calls ---------------------------------------------------------------------------------

    def invoke(self, call: pb.Call) -> pb.Reply:
        """Runs one call in a fresh context. Raises ProcessExit for SystemExit/KeyboardInterrupt."""
        if self.state != self.READY:
            message = 'the job is still loading' if self.state == self.LOADING else \
                f'the job failed to initialize: {self.init_error}'
            return error_reply(call.id, 503, 'JobNotReady', message)
        return contextvars.Context().run(self._invoke, call)

    def _find(self, path: str) -> tuple[Endpoint | None, dict[str, str]]:
        endpoint = self.endpoints.get(path)
        if endpoint is not None:
            return endpoint, {}
        found = match_v2(self.endpoints, path)
        return found if found is not None else (None, {})

    def _invoke(self, call: pb.Call) -> pb.Reply:
        endpoint, path_params = self._find(call.endpoint)
        if endpoint is None or endpoint.handler is None:
            return error_reply(call.id, 404, 'EntityNotFound', f'endpoint not found: {call.endpoint}')
        request = Request(call.method or 'POST', '/api/v1' + call.endpoint, call.query, call.headers)
        request.path_params = path_params
        self._request_context.set(request)
        self._request_extra.set({})
        try:
            result = self._run(endpoint, call, request)
            if type(result) in _FAST_RESULTS:
                return pb.Reply(id=call.id, result_json=result_to_json(result))
            return pb.Reply(id=call.id, result_json=render(jsonable(result)))
        except (SystemExit, KeyboardInterrupt) as e:
            raise self._process_exit(e, call) from e
        except BaseException as e:  # noqa: B036 - every job error becomes a reply
            failure = map_exception(e)
            if failure.logged:
                log_job_exception(logger, e, self._log_extra(request))
            return _reply_error(pb.Reply(id=call.id), failure)

    def invoke_v2(self, endpoint: Endpoint, http: pb.HttpRequest,
                  path_params: dict[str, str]) -> tuple[int, str]:
        """An aux v2 call from the Http RPC: (status, JSON body). Parameters are bound from the
        path, query, headers and body (422 when they do not fit); the result and errors are
        rendered as perform's. Raises ProcessExit for SystemExit/KeyboardInterrupt."""
        return contextvars.Context().run(self._invoke_v2, endpoint, http, path_params)

    def _invoke_v2(self, endpoint: Endpoint, http: pb.HttpRequest,
                   path_params: dict[str, str]) -> tuple[int, str]:
        request = Request(http.method or 'GET', http.path, http.query, http.headers)
        request.path_params = path_params
        self._request_context.set(request)
        self._request_extra.set({})
        try:
            try:
                headers = {h.name.lower(): h.value for h in http.headers}
                kwargs = bind(endpoint.params, path_params, http.query, headers, bytes(http.body))
            except ParameterErrors as e:
                return 422, e.body().decode()
            try:
                result = endpoint.handler(**kwargs)
                if type(result) not in _FAST_RESULTS:
                    result = to_json_serializable(result)
            except TypeError as e:
                raise call_failed(e) from None
            if type(result) in _FAST_RESULTS:
                return 200, result_to_json(result)
            return 200, render(jsonable(result))
        except (SystemExit, KeyboardInterrupt) as e:
            raise self._process_exit(e, pb.Call(endpoint=endpoint.path)) from e
        except BaseException as e:  # noqa: B036 - every job error becomes a reply
            failure = map_exception(e)
            if failure.logged:
                log_job_exception(logger, e, self._log_extra(request))
            if failure.type == 'HTTPException':
                return failure.http_status, json.dumps({'detail': failure.message})
            return failure.http_status, json.dumps({'error': failure.message, 'type': failure.type},
                                                   ensure_ascii=False, separators=(',', ':'))

    def _run(self, endpoint: Endpoint, call: pb.Call, request: Request) -> Any:
        """The handler's result after stage 1 of serialization; TypeError → ValueError (§7.2)."""
        try:
            kwargs = self._kwargs(endpoint, call, request)
            result = endpoint.handler(**kwargs)
            return result if type(result) in _FAST_RESULTS else to_json_serializable(result)
        except TypeError as e:
            raise call_failed(e) from None

    @staticmethod
    def _kwargs(endpoint: Endpoint, call: pb.Call, request: Request) -> dict[str, Any]:
        payload = json.loads(call.payload_json) if call.payload_json else {}
        if not endpoint.v2:
            return payload
        kwargs = dict(request.query_params)
        kwargs.update(request.path_params)
        if isinstance(payload, dict):
            kwargs.update(payload)
        return kwargs

    def _log_extra(self, request: Request) -> dict[str, str]:
        extra = {}
        headers = request.headers
        tracing = headers.get(self._tracing_header)
        if tracing:
            extra['tracing_id'] = tracing
        if self._log_caller:
            caller = headers.get(self._caller_header)
            if caller:
                extra['caller_name'] = caller
        return extra

    def _process_exit(self, e: BaseException, call: pb.Call) -> ProcessExit:
        if isinstance(e, KeyboardInterrupt):
            code, what = 130, 'KeyboardInterrupt'
        else:
            code = e.code if isinstance(e.code, int) else (0 if e.code is None else 1)
            what = f'SystemExit({e.code!r})'
        reason = f'the job raised {what} in {call.endpoint}; the worker process exits with code {code}'
        return ProcessExit(code, reason)


def exit_process(e: ProcessExit) -> None:
    """Leaves at once (the gateway answers the calls in flight with 502 and restarts the worker)."""
    logger.error(str(e))
    for stream in (sys.stdout, sys.stderr):
        try:
            stream.flush()
        except Exception:  # noqa: BLE001 - best effort before _exit
            pass
    os._exit(e.code)
