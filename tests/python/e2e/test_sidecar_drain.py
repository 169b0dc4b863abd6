"""End to end, the two-container pod: the gateway connects to a worker someone else runs
(--worker-address, a unix socket), and on pod shutdown both get SIGTERM at once. The gateway drains
its calls; the worker keeps serving until the gateway has closed its call stream, so a call longer
than any fixed grace is answered 200, and both exit 0."""
from __future__ import annotations

import os
import re
import signal
import subprocess
import sys
import threading

from conftest import JOBS, Response, RunningJob, free_port, wait_until


def test_both_get_sigterm_with_a_slow_call_in_flight(gateway_bin, tmp_path):
    socket = tmp_path / 'worker.sock'
    worker_log = tmp_path / 'worker.log'
    env = dict(os.environ, RACETRACK_WORKER_ADDRESS=f'unix:{socket}')
    with open(worker_log, 'wb') as log:
        worker = subprocess.Popen([sys.executable, '-u', '-m', 'racetrack_job_wrapper.worker', 'file',
                                   'testing_job.py'], cwd=JOBS, env=env, stdout=log, stderr=subprocess.STDOUT)
    port = free_port()
    gateway = RunningJob([gateway_bin, '--port', str(port), '--worker-address', f'unix:{socket}',
                          '--drain-timeout-ms', '20000'], port, JOBS, dict(os.environ))
    try:
        gateway.wait_ready()
        answers: list[Response] = []
        slow = threading.Thread(target=lambda: answers.append(
            gateway.perform({'mode': 'sleep', 'seconds': 6}, timeout=30)))
        slow.start()
        wait_until(lambda: re.search(r'^racetrack_gateway_requests_in_flight [1-9]',
                                     gateway.get('/metrics').body.decode(), re.M))
        gateway.process.send_signal(signal.SIGTERM)
        worker.send_signal(signal.SIGTERM)
        slow.join(30)
        assert [(a.status, a.body) for a in answers] == [(200, b'6')]
        assert gateway.process.wait(20) == 0
        assert worker.wait(20) == 0
        assert 'drained, shutting down...' in worker_log.read_text()
    finally:
        if worker.poll() is None:
            worker.kill()
            worker.wait(5)
        gateway.stop()
