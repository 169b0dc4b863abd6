"""The one pipeline every job call goes through, whichever way it arrived (Calls stream or Http).

``Invoker.run(endpoint, kwargs, request)`` runs the endpoint's handler in a fresh
``contextvars.Context`` with the job's ``request_context``/``request_extra`` set, and returns an
Outcome: the result rendered as the original renders it (spec §7.3), or the failure its exception
maps to (§7.4), logged as the original logs it. A TypeError anywhere in the call becomes
``ValueError('failed to call a function: …')`` (§7.2). SystemExit and KeyboardInterrupt are not
answers: they raise ProcessExit, and the caller ends the process (exit_process).
"""
from __future__ import annotations

import contextvars
import json
import os
import sys
from collections.abc import Callable
from typing import Any

from racetrack_job_wrapper._worker.endpoints import Endpoint
from racetrack_job_wrapper._worker.errors import call_failed, log_job_exception, map_exception
from racetrack_job_wrapper._worker.model import Failure, Outcome
from racetrack_job_wrapper._worker.request_context import (
    Request,
    caller_header_name,
    current_request,
    tracing_header_name,
)
from racetrack_job_wrapper._worker.response import jsonable, render, result_to_json, to_json_serializable
from racetrack_job_wrapper.log.logs import get_logger, is_env_flag

logger = get_logger(__name__)

_FAST_RESULTS = (bool, int, str, type(None))

# The handler's keyword arguments, computed inside the pipeline: a callable that returns them, or
# the JSON text of an object (perform and aux v1: the request body; '' is {}).
Kwargs = Callable[[], Any] | str
_raw_decode = json.JSONDecoder().raw_decode


def _loads(text: str) -> Any:
    """``json.loads(text)``, without its two regular-expression matches for surrounding whitespace
    in the usual case of a body that has none. Any other text (whitespace around the value, a BOM,
    something that is not JSON) goes through ``json.loads``, so values and errors are the same."""
    try:
        value, end = _raw_decode(text)
    except ValueError:
        return json.loads(text)
    return value if end == len(text) else json.loads(text)


class ProcessExit(Exception):
    """The job raised SystemExit or KeyboardInterrupt in a call: the worker process must exit."""

    def __init__(self, code: int, reason: str):
        super().__init__(reason)
        self.code = code


class Invoker:
    def __init__(self, request_context: contextvars.ContextVar[Request],
                 request_extra: contextvars.ContextVar[dict[str, Any]]):
        self._request_context = request_context
        self._request_extra = request_extra
        self._log_caller = is_env_flag('LOG_CALLER_NAME')
        self._tracing_header = tracing_header_name().lower()
        self._caller_header = caller_header_name().lower()

    def run(self, endpoint: Endpoint, kwargs: Kwargs, request: Request) -> Outcome:
        """The arguments are computed inside the pipeline, so that their errors (a payload that is
        not an object, say) are answered as the handler's are."""
        answer = self.answer(endpoint, kwargs, request)
        return Outcome(result_json=answer) if isinstance(answer, str) else Outcome(failure=answer)

    def answer(self, endpoint: Endpoint, kwargs: Kwargs, request: Request) -> str | Failure:
        """run() without the Outcome: the result's JSON text, or the failure (the runtime's hot
        path)."""
        return contextvars.Context().run(self._answer, endpoint, kwargs, request)

    def _answer(self, endpoint: Endpoint, kwargs: Kwargs, request: Request) -> str | Failure:
        self._request_context.set(request)
        self._request_extra.set({})
        current_request.set(request)
        handler = endpoint.handler
        assert handler is not None
        try:
            try:
                if isinstance(kwargs, str):
                    result = handler(**_loads(kwargs)) if kwargs else handler()
                else:
                    result = handler(**kwargs())
                if type(result) in _FAST_RESULTS:
                    return result_to_json(result)
                result = to_json_serializable(result)
            except TypeError as e:
                raise call_failed(e) from None
            return render(jsonable(result))
        except (SystemExit, KeyboardInterrupt) as e:
            raise process_exit(e, endpoint.path) from e
        except BaseException as e:  # noqa: B036 - every job error becomes an answer
            failure = map_exception(e)
            if failure.logged:
                log_job_exception(logger, e, self._log_extra(request))
            return failure

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


def process_exit(e: SystemExit | KeyboardInterrupt, endpoint: str) -> ProcessExit:
    if isinstance(e, KeyboardInterrupt):
        code, what = 130, 'KeyboardInterrupt'
    else:
        code = e.code if isinstance(e.code, int) else (0 if e.code is None else 1)
        what = f'SystemExit({e.code!r})'
    reason = f'the job raised {what} in {endpoint}; the worker process exits with code {code}'
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
