"""End to end: the gateway's cancellation reaches a Python job (its client left, or its deadline
passed), and the call's concurrency slot is free as soon as the job returns."""
from __future__ import annotations

import socket
import time

from conftest import wait_until

CAP_ONE = 'name: testing\njobtype_extra:\n  max_concurrency: 1\n  max_concurrency_queue: 4\n'


def test_deadline_cancels_the_running_call(start_job, tmp_path):
    manifest = tmp_path / 'job.yaml'
    manifest.write_text(CAP_ONE)
    job = start_job('testing_job.py', '--manifest-path', str(manifest),
                    env={'RACETRACK_GATEWAY_ARGS': '--call-timeout-ms 400'})
    job.wait_ready()
    late = job.perform({'mode': 'until_cancelled', 'seconds': 10})
    assert late.status == 504, late
    # The job saw the cancellation and returned: the only slot is free again at once.
    started = time.monotonic()
    seen = job.perform({'mode': 'saw_cancel'})
    assert seen.status == 200, seen
    assert seen.json() == {'saw_cancel': True, 'deadline': True}
    assert time.monotonic() - started < 1.0


def test_client_that_leaves_cancels_the_running_call(start_job, tmp_path):
    manifest = tmp_path / 'job.yaml'
    manifest.write_text(CAP_ONE)
    job = start_job('testing_job.py', '--manifest-path', str(manifest))
    job.wait_ready()
    body = b'{"mode": "until_cancelled", "seconds": 10}'
    with socket.create_connection(('127.0.0.1', job.port)) as s:
        s.sendall(b'POST /api/v1/perform HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n'
                  b'Content-Length: ' + str(len(body)).encode() + b'\r\n\r\n' + body)
        wait_until(lambda: 'Request: POST /api/v1/perform' in job.logs(), timeout=5)
        s.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, b'\x01\x00\x00\x00\x00\x00\x00\x00')
    started = time.monotonic()
    seen = job.perform({'mode': 'saw_cancel'})
    assert seen.status == 200, seen
    assert seen.json()['saw_cancel'] is True
    assert time.monotonic() - started < 2.0
