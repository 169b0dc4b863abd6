"""A blocking job for end-to-end tests of concurrency and of several workers.

perform(seconds=0, mark_dir=None) writes an empty file `<pid>-<n>` into `mark_dir` (when given) as
soon as the call starts, so a test can see which worker process runs it before it returns; then
blocks in time.sleep(seconds) and returns the worker's pid and the most calls this process has had
running at once so far (its `peak`). Its metrics() reports the calls this process has started, so
a test can tell each worker's gauges apart.
"""
import os
import threading
import time
from pathlib import Path


class BlockingJob:
    def __init__(self):
        self.lock = threading.Lock()
        self.running = 0
        self.peak = 0
        self.started = 0

    def perform(self, seconds: float = 0, mark_dir: str | None = None):
        """Sleeps `seconds`; returns the worker's pid and its peak of calls at once"""
        with self.lock:
            self.running += 1
            self.started += 1
            self.peak = max(self.peak, self.running)
            number = self.started
        try:
            if mark_dir:
                Path(mark_dir, f'{os.getpid()}-{number}').touch()
            time.sleep(seconds)
            return {'pid': os.getpid(), 'peak': self.peak}
        finally:
            with self.lock:
                self.running -= 1

    def metrics(self):
        with self.lock:
            started = self.started
        return [{'name': 'job_calls_started', 'value': started,
                 'description': 'Calls this worker process has started', 'labels': {'worker': 'sleeper'}}]

    def docs_input_example(self) -> dict:
        return {'seconds': 0}
