"""JobHost: loads the job in the background, knows its endpoints, and answers JSON calls.

States: LOADING (the runtime already answers: health NOT_SERVING, Describe LOADING), then READY,
or FAILED with the original's error text, after which the process stays up (spec §2.3). The
runtime calls load() on a thread of its own.
"""
from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from racetrack_job_wrapper import __version__
from racetrack_job_wrapper._worker.config import job_identity, pool_size
from racetrack_job_wrapper._worker.docs import validate_entrypoint
from racetrack_job_wrapper._worker.endpoints import (
    ANY_METHOD,
    KIND_WEBVIEW,
    WEBVIEW_PATH,
    Endpoint,
    collect_endpoints,
)
from racetrack_job_wrapper._worker.invoke import Invoker
from racetrack_job_wrapper._worker.model import Call, Outcome, SharedError
from racetrack_job_wrapper._worker.parameters import list_entrypoint_parameters
from racetrack_job_wrapper._worker.request_context import Cancellation, Request, install_context_vars
from racetrack_job_wrapper._worker.response import result_to_json
from racetrack_job_wrapper._worker.webview import Webview, load_webview, webview_base_url
from racetrack_job_wrapper.log.exception import exception_details, short_exception_details
from racetrack_job_wrapper.log.logs import get_logger

logger = get_logger(__name__)

SDK_NAME = f'python/{__version__}'


@dataclass
class JobSpec:
    """Where the job class comes from and how it is loaded."""
    load_class: Callable[[], type]   # imports the module and returns the class
    validate_examples: bool = True   # the CLI validates input examples; serve_job_class does not
    library_mode: bool = False       # serve_job_class: log 'Creating a Job instance...'
    instance: object | None = None   # serve_job_instance: already built


class JobHost:
    LOADING, READY, FAILED = 'loading', 'ready', 'failed'

    def __init__(self, spec: JobSpec):
        self.spec = spec
        self.state = self.LOADING
        self.init_error = ''
        self.class_name = ''
        self.threads, self._threads_source = pool_size()
        self.job: object | None = None
        self.endpoints: dict[str, Endpoint] = {}
        self.webview: Webview | None = None
        self.parameters_json = '[]'
        self.invoker: Invoker | None = None

    # Loading -------------------------------------------------------------------------------

    def load(self) -> str:
        """Constructs the job; returns the state it left: READY or FAILED."""
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
        return state

    def _load(self) -> None:
        logger.info(f'calls run on a pool of {self.threads} threads ({self._threads_source})')
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
        self.invoker = Invoker(*install_context_vars(job))
        if self.spec.validate_examples:
            aux: dict[str, Any] = getattr(job, 'auxiliary_endpoints', dict)()
            validate_entrypoint(job, list(aux))
        endpoints = collect_endpoints(job)
        self.webview = load_webview(job, webview_base_url(*job_identity()), logger)
        if self.webview is not None:
            # Listed first, after perform: the webview mounts win over aux routes below it (§6).
            perform = next(iter(endpoints.items()))
            endpoints = {perform[0]: perform[1],
                         WEBVIEW_PATH: Endpoint(WEBVIEW_PATH, KIND_WEBVIEW, ANY_METHOD,
                                                summary='Webview app'),
                         **{k: v for k, v in endpoints.items() if k != perform[0]}}
        self.endpoints = endpoints
        self.parameters_json = self._parameters_json(job)
        self.job = job

    @staticmethod
    def _parameters_json(job: object) -> str:
        if not hasattr(job, 'perform'):
            return '[]'
        try:
            return result_to_json(list_entrypoint_parameters(job))
        except Exception as e:
            logger.warning(f'cannot describe the parameters of perform: {e}')
            return '[]'

    def not_ready(self) -> Outcome | None:
        """JobNotReady (503) while the job loads or after it failed; None once it is ready."""
        if self.state == self.READY:
            return None
        message = 'the job is still loading' if self.state == self.LOADING else \
            f'the job failed to initialize: {self.init_error}'
        return Outcome.failed(503, SharedError.JOB_NOT_READY, message)

    # Calls ---------------------------------------------------------------------------------

    def call(self, call: Call, cancellation: Cancellation | None = None,
             deadline: float | None = None) -> Outcome:
        """A JSON call (perform, aux v1): the body is the handler's keyword arguments. Raises
        ProcessExit for SystemExit/KeyboardInterrupt."""
        if self.state is not self.READY:
            not_ready = self.not_ready()
            assert not_ready is not None
            return not_ready
        endpoint = self.endpoints.get(call.endpoint)
        if endpoint is None or not endpoint.json_call or self.invoker is None:
            return Outcome.failed(404, 'EntityNotFound', f'endpoint not found: {call.endpoint}')
        request = Request(call.method or 'POST', '/api/v1' + call.endpoint, call.query, call.headers,
                          cancellation=cancellation, deadline=deadline)
        payload = call.payload_json
        return self.invoker.run(endpoint, lambda: load_json_object(payload), request)


def load_json_object(payload: str) -> Any:
    """The call's JSON body (the gateway has checked it); an empty one is ``{}``."""
    return json.loads(payload) if payload else {}
