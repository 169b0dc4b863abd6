"""Exceptions raised by a job → {http status, type, message} (spec §7.4), their log line, and the
one renderer of error bodies.

Handlers are chosen as Starlette chooses them: the first class of the exception's MRO that has
one. TypeError (anywhere in the call) was already turned into ValueError('failed to call a
function: …') by the caller, as the original does.
"""
from __future__ import annotations

import builtins
import json
import logging

from racetrack_job_wrapper._worker.model import Failure
from racetrack_job_wrapper.auth.auth import UnauthorizedError
from racetrack_job_wrapper.log.errors import AlreadyExists, EntityNotFound, ValidationError
from racetrack_job_wrapper.log.exception import exception_details

CALL_FAILED_PREFIX = 'failed to call a function: '
_EXCEPTION_GROUP = getattr(builtins, 'BaseExceptionGroup', ())  # Python 3.11+

# As the original's JSONResponse: compact separators, non-ASCII kept raw.
_encode = json.JSONEncoder(ensure_ascii=False, separators=(',', ':')).encode


# (status, logged) per handled class; Exception is the catch-all 500.
_HANDLERS: dict[type, tuple[int, bool]] = {
    ValidationError: (400, False),
    ValueError: (400, True),
    UnauthorizedError: (401, True),
    EntityNotFound: (404, True),
    AlreadyExists: (409, True),
    Exception: (500, True),
}


def _handler_for(e: BaseException) -> tuple[int, bool]:
    for cls in type(e).__mro__:
        handler = _HANDLERS.get(cls)
        if handler is not None:
            return handler
    return 500, True


def _http_exception(e: BaseException) -> Failure | None:
    """fastapi/starlette HTTPException: its own status and detail, not logged."""
    if type(e).__name__ != 'HTTPException':
        return None
    status, detail = getattr(e, 'status_code', None), getattr(e, 'detail', None)
    if not isinstance(status, int):
        return None
    return Failure(status, 'HTTPException', str(detail), logged=False)


def map_exception(e: BaseException) -> Failure:
    http = _http_exception(e)
    if http is not None:
        return http
    status, logged = _handler_for(e)
    group = getattr(e, 'exceptions', None)
    if isinstance(e, _EXCEPTION_GROUP) and group:
        if len(group) == 1:
            inner = group[0]
            return Failure(status, type(inner).__name__, str(inner), logged)
        message = f'{e}: ' + ', '.join(str(x) for x in group)
        kind = f'{type(e).__name__}: ' + ', '.join(type(x).__name__ for x in group)
        return Failure(status, kind, message, logged)
    return Failure(status, type(e).__name__, str(e), logged)


def call_failed(e: TypeError) -> ValueError:
    """The original's conversion of any TypeError raised during a call."""
    error = ValueError(f'{CALL_FAILED_PREFIX}{e}')
    error.__context__ = e
    error.__traceback__ = e.__traceback__
    return error


def error_body(message: str, kind: str) -> bytes:
    """``{"error":"<message>","type":"<kind>"}``: the body of every job-level failure."""
    return _encode({'error': message, 'type': kind}).encode()


def detail_body(detail: object) -> bytes:
    """``{"detail":…}``: FastAPI's body for HTTPException and for unmatched routes."""
    return _encode({'detail': detail}).encode()


def log_job_exception(logger: logging.Logger, e: BaseException, extra: dict[str, str] | None = None) -> None:
    """The ERROR line of an exception raised in a call: message, cause, traceback (+ extra)."""
    message, cause, tb = exception_details(e)
    fields = {'cause': cause, 'traceback': tb}
    if extra:
        fields.update(extra)
    logger.error(message, extra=fields)
