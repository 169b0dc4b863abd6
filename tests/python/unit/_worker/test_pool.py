"""CallPool: a fixed number of threads runs the submitted tasks."""
from __future__ import annotations

import threading

from racetrack_job_wrapper._worker.pool import CallPool


def test_runs_at_most_size_tasks_at_once():
    pool = CallPool(2, name='test-pool')
    changed = threading.Condition()
    running = peak = finished = 0
    release = threading.Event()

    def task() -> None:
        nonlocal running, peak, finished
        with changed:
            running += 1
            peak = max(peak, running)
            changed.notify_all()
        release.wait(10)
        with changed:
            running -= 1
            finished += 1
            changed.notify_all()

    for _ in range(5):
        pool.submit(task)
    with changed:
        assert changed.wait_for(lambda: running == 2, 10)
    release.set()
    with changed:
        assert changed.wait_for(lambda: finished == 5, 10)
    assert peak == 2
    pool.stop()
