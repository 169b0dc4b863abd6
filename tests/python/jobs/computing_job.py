"""A job for end-to-end tests of the busy lane.

perform(busy_ms=0, sleep_ms=0) computes for `busy_ms` (its thread never waits), then sleeps
`sleep_ms`; it returns how many of this process's calls were running when it started (itself
included) and the most that have run at once since the last call with `reset`.
"""
import threading
import time


class ComputingJob:
    def __init__(self):
        self.lock = threading.Lock()
        self.running = 0
        self.peak = 0

    def perform(self, busy_ms: float = 0, sleep_ms: float = 0, reset: bool = False):
        """Computes, then sleeps; returns the calls running at its start and the peak"""
        with self.lock:
            if reset:
                self.peak = 0
            self.running += 1
            running = self.running
            self.peak = max(self.peak, running)
        try:
            end = time.perf_counter() + busy_ms / 1000
            while time.perf_counter() < end:
                pass
            if sleep_ms:
                time.sleep(sleep_ms / 1000)
            return {'running': running, 'peak': self.peak}
        finally:
            with self.lock:
                self.running -= 1

    def docs_input_example(self) -> dict:
        return {'busy_ms': 0}
