"""Recordkeeper helpers (spec §13.1): the predecessor id that chain calls forward."""
from __future__ import annotations

from racetrack_job_wrapper.log.logs import get_logger

logger = get_logger(__name__)

RK_PREDECESSOR_ID_HEADER = 'X-Recordkeeper-Predecessor-Id'


def remember_predecessor_id(entrypoint: object, value: str) -> None:
    """Stores the id in this request's request_extra, for the chain calls that follow."""
    request_extra = getattr(entrypoint, 'request_extra', None)
    if request_extra is None:
        return
    extra = request_extra.get(None)
    if extra is None:
        extra = {}
        request_extra.set(extra)
    extra[RK_PREDECESSOR_ID_HEADER] = value


def read_predecessor_id(entrypoint: object) -> str | None:
    """request_extra's value, else the incoming request's header, else None."""
    request_extra = getattr(entrypoint, 'request_extra', None)
    if request_extra is not None:
        extra = request_extra.get(None)
        if extra and extra.get(RK_PREDECESSOR_ID_HEADER):
            return str(extra[RK_PREDECESSOR_ID_HEADER])
    request_context = getattr(entrypoint, 'request_context', None)
    if request_context is not None:
        request = request_context.get(None)
        if request is not None:
            value = request.headers.get(RK_PREDECESSOR_ID_HEADER)
            return None if value is None else str(value)
    return None
