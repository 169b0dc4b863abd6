"""What the worker is doing for the gateway: open Calls streams and calls in flight.

A worker asked to stop (SIGTERM) keeps serving while the gateway drains: it waits until the
gateway has closed its call stream and no call is in flight (wait_idle), so that calls the
gateway still sends during its own drain are answered.
"""
from __future__ import annotations

import threading


class Activity:
    def __init__(self) -> None:
        self._changed = threading.Condition()
        self.streams = 0     # open Calls streams (a stream stays open until its calls are answered)
        self.in_flight = 0   # Http requests being answered

    def _add(self, streams: int = 0, calls: int = 0) -> None:
        with self._changed:
            self.streams += streams
            self.in_flight += calls
            if self.streams == 0 and self.in_flight == 0:
                self._changed.notify_all()

    def stream_opened(self) -> None:
        self._add(streams=1)

    def stream_closed(self) -> None:
        self._add(streams=-1)

    def calls_started(self, count: int = 1) -> None:
        self._add(calls=count)

    def call_finished(self) -> None:
        self._add(calls=-1)

    def idle(self) -> bool:
        with self._changed:
            return self.streams == 0 and self.in_flight == 0

    def wait_idle(self, timeout: float) -> bool:
        """True once no stream is open and no call is in flight; False after ``timeout`` s."""
        with self._changed:
            return self._changed.wait_for(lambda: self.streams == 0 and self.in_flight == 0, timeout)
