"""Firing many /perform calls at a running job at once, each on its own connection and thread, and
collecting every answer within a bound (a test that hangs fails instead)."""
from __future__ import annotations

import concurrent.futures
import threading
import time
from typing import Any

from conftest import Response, RunningJob


class Batch:
    """Calls started together; `results()` waits for all of them and says how long they took."""

    def __init__(self, job: RunningJob, payloads: list[Any], timeout: float):
        self.timeout = timeout
        self.pool = concurrent.futures.ThreadPoolExecutor(max_workers=len(payloads))
        start = threading.Barrier(len(payloads) + 1)

        def call(payload: Any) -> Response:
            start.wait(timeout)
            return job.perform(payload, timeout=timeout)

        self.futures = [self.pool.submit(call, p) for p in payloads]
        start.wait(timeout)  # every thread is about to send: time from here
        self.started = time.monotonic()

    def results(self) -> tuple[list[Response], float]:
        done, pending = concurrent.futures.wait(self.futures, timeout=self.timeout)
        elapsed = time.monotonic() - self.started
        self.pool.shutdown(wait=False, cancel_futures=True)
        assert not pending, f'{len(pending)} of {len(self.futures)} calls unanswered after {elapsed:.1f} s'
        return [f.result() for f in self.futures], elapsed


def fire(job: RunningJob, payloads: list[Any], timeout: float = 15) -> tuple[list[Response], float]:
    """Sends every payload at once; returns the responses (in payload order) and the seconds from
    the start until the last answer."""
    return Batch(job, payloads, timeout).results()
