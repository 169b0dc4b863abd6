"""Whether the call being served has been cancelled, and its deadline.

The gateway cancels a running call when its client goes away or its deadline (``--call-timeout-ms``,
counted from the request's arrival) passes. A long call can poll ``cancelled()`` and return early:
its answer is no longer awaited, and ending it frees its concurrency slot, which the gateway holds
until the call really ends. Outside a call, ``cancelled()`` is False and ``deadline()`` None. The
same is available on the request: ``self.request_context.get().cancelled()`` and ``.deadline``.
"""
from __future__ import annotations

from racetrack_job_wrapper._worker.request_context import current_request

__all__ = ['cancelled', 'deadline']


def cancelled() -> bool:
    """True once the gateway has cancelled the call being served on this thread."""
    request = current_request.get(None)
    return request is not None and request.cancelled()


def deadline() -> float | None:
    """``time.monotonic()`` at which the gateway stops waiting for this call; None: no deadline."""
    request = current_request.get(None)
    return request.deadline if request is not None else None
