"""CallPool: a fixed set of threads that run job calls; its size is the worker's max_concurrency.

Tasks travel through one SimpleQueue (implemented in C: a put and a get cost well under a
microsecond, and a get on a non-empty queue does not release the GIL, so a busy thread takes the
next call without a thread switch).
"""
from __future__ import annotations

import threading
from collections.abc import Callable
from queue import SimpleQueue

Task = Callable[[], None]
_STOP = None


class CallPool:
    def __init__(self, size: int, name: str = 'job-call'):
        self.size = size
        self._tasks: SimpleQueue[Task | None] = SimpleQueue()
        self._threads = [threading.Thread(target=self._run, name=f'{name}-{i}', daemon=True)
                         for i in range(size)]
        for thread in self._threads:
            thread.start()

    def submit(self, task: Task) -> None:
        self._tasks.put(task)

    def stop(self) -> None:
        for _ in self._threads:
            self._tasks.put(_STOP)

    def _run(self) -> None:
        get = self._tasks.get
        while True:
            task = get()
            if task is _STOP:
                return
            task()
