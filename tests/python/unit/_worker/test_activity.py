"""Activity: open Calls streams and calls in flight, which the drain waits for."""
from __future__ import annotations

import threading

from racetrack_job_wrapper._worker.activity import Activity


def test_idle_only_without_streams_and_calls():
    activity = Activity()
    assert activity.idle() and activity.wait_idle(0)
    activity.stream_opened()
    activity.calls_started(2)
    assert not activity.wait_idle(0.01)
    activity.call_finished()
    activity.call_finished()
    assert not activity.idle()  # the stream is still open
    activity.stream_closed()
    assert activity.idle()


def test_wait_idle_wakes_when_the_last_call_ends():
    activity = Activity()
    activity.calls_started()
    timer = threading.Timer(0.05, activity.call_finished)
    timer.start()
    assert activity.wait_idle(10)
    timer.join()
