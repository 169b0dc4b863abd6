"""WorkerServer: the worker process's server (the C++ runtime of native.py) and its main loop.

Threads, all the runtime's but the main one: the completion drain that answers every gRPC operation
(Describe, Health, Metrics, the Calls streams; quick calls run inline on it) and its standby, the
call pool that runs the job's other calls and Http requests (config.pool_size threads), and the
loader that constructs the job. Each takes the GIL only while it runs Python. The main thread waits
for SIGTERM/SIGINT, then drains: it keeps serving until the gateway has closed its call stream and
no Http request is in flight, or RACETRACK_WORKER_DRAIN_TIMEOUT_MS has passed, and exits 0.
"""
from __future__ import annotations

import os
import signal
import sys
import threading
import time
from collections.abc import Callable
from types import FrameType

from racetrack_job_wrapper._worker.depth import allow_deep_json
from racetrack_job_wrapper._worker.edge import RuntimeHost
from racetrack_job_wrapper._worker.host import SDK_NAME, JobHost, JobSpec
from racetrack_job_wrapper._worker.native import runtime
from racetrack_job_wrapper.log.logs import get_logger

logger = get_logger(__name__)

ADDRESS_ENV = 'RACETRACK_WORKER_ADDRESS'
DRAIN_TIMEOUT_ENV = 'RACETRACK_WORKER_DRAIN_TIMEOUT_MS'
DEFAULT_ADDRESS = '127.0.0.1:7001'
DEFAULT_DRAIN_TIMEOUT_MS = 30000
SHUTDOWN_GRACE_S = 1.0      # after the drain, for RPCs that are not calls (Health watches)
PARENT_CHECK_S = 1.0
EXIT_AFTER_S = SHUTDOWN_GRACE_S + 1.0  # a call still running then cannot be interrupted: leave


class StartError(RuntimeError):
    """The server could not start: its address cannot be bound, or its unix socket cannot be given
    the configured mode or group."""


def _env_int(name: str, default: int) -> int:
    value = os.environ.get(name, '').strip()
    return int(value) if value.isdigit() else default


class WorkerServer:
    def __init__(self, spec: JobSpec, address: str | None = None, dispatch: str = ''):
        """``dispatch``: 'adaptive' (the default, or $RACETRACK_WORKER_DISPATCH), 'pool' or 'inline'."""
        self.address = address or os.environ.get(ADDRESS_ENV) or DEFAULT_ADDRESS
        self.host = JobHost(spec)
        self._runtime = runtime.WorkerServer(RuntimeHost(self.host), SDK_NAME, self.address,
                                             self.host.threads, dispatch)

    @property
    def port(self) -> int:
        return int(self._runtime.port)

    @property
    def max_message_bytes(self) -> int:
        return int(self._runtime.max_message_bytes)

    @property
    def dispatch(self) -> str:
        return str(self._runtime.dispatch)

    def start(self) -> None:
        """Serves at once (health NOT_SERVING while the job loads). Raises StartError when
        the address cannot be served or the socket's mode or group cannot be applied."""
        allow_deep_json()
        try:
            self._runtime.start()
        except RuntimeError as e:
            raise StartError(str(e)) from None

    def wait_loaded(self, timeout: float) -> str:
        """Waits until the job is ready or failed; returns JobHost's state then."""
        return str(self._runtime.wait_loaded(timeout))

    def drain(self, timeout_s: float, keep_waiting: Callable[[], bool] = lambda: True) -> bool:
        """Waits until the gateway has closed its call stream and no Http request is in flight;
        False if ``timeout_s`` passed first (or keep_waiting() said to stop). Serving goes on."""
        deadline = time.monotonic() + timeout_s
        while True:
            left = deadline - time.monotonic()
            if self._runtime.wait_idle(max(0.0, min(left, PARENT_CHECK_S))):
                return True
            if left <= PARENT_CHECK_S or not keep_waiting():
                return False

    def stop(self, grace: float = SHUTDOWN_GRACE_S) -> None:
        self._runtime.shutdown(grace)


def _exit_later(seconds: float) -> None:
    time.sleep(seconds)
    logger.warning('a call is still running after the shutdown grace period; exiting')
    _leave()


def _leave() -> None:
    sys.stdout.flush()
    sys.stderr.flush()
    os._exit(0)  # the job's own non-daemon threads must not keep the worker alive


def serve_forever(spec: JobSpec) -> None:
    """Runs a worker until SIGTERM/SIGINT, drains, then leaves without waiting for the job's
    threads (exit code 0)."""
    runtime.set_up_logging()
    runtime.apply_sched_policy()  # before the runtime starts its threads, which inherit it
    server = WorkerServer(spec)
    stop_requested = threading.Event()
    received: list[int] = []

    def on_signal(signum: int, _frame: FrameType | None) -> None:
        received.append(signum)
        stop_requested.set()

    signal.signal(signal.SIGTERM, on_signal)
    signal.signal(signal.SIGINT, on_signal)
    server.start()
    logger.info(f'worker serving on {server.address} ({SDK_NAME}, {server.host.threads} threads, '
                f'{server.dispatch} dispatch, gRPC messages up to {server.max_message_bytes >> 20} MiB)')
    parent = os.getppid()

    def parent_alive() -> bool:
        return os.getppid() == parent

    while not stop_requested.wait(PARENT_CHECK_S):
        if not parent_alive():  # the gateway that spawned us is gone
            logger.error('the parent process is gone, shutting down...')
            break
    if received:
        timeout_ms = _env_int(DRAIN_TIMEOUT_ENV, DEFAULT_DRAIN_TIMEOUT_MS)
        logger.info(f'received signal {received[0]}, draining: waiting for the gateway to close its '
                    f'call stream (at most {timeout_ms} ms)')
        if server.drain(timeout_ms / 1000, parent_alive):
            logger.info('drained, shutting down...')
        else:
            logger.warning('drain timeout: shutting down with the call stream still open')
    # The runtime waits for the calls still running; a job stuck in one must not keep the process
    # alive until the container runtime kills it.
    threading.Thread(target=_exit_later, args=(EXIT_AFTER_S,), name='exit-timer', daemon=True).start()
    server.stop()
    _leave()
