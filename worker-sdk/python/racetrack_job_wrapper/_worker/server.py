"""WorkerServer: the gRPC server of a worker process, and the process's main loop.

Threads: gRPC's handler pool (Describe, Health, Metrics, Http, and one writer per Calls stream),
one reader per Calls stream, the CallPool that runs the job (config.pool_size), and the loader
that constructs the job. The main thread waits for SIGTERM/SIGINT, then drains: it keeps serving
until the gateway has closed its call stream and no call is in flight, or
RACETRACK_WORKER_DRAIN_TIMEOUT_MS has passed, and exits 0.
"""
from __future__ import annotations

import os
import signal
import sys
import threading
import time
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from types import FrameType

import grpc

from racetrack_job_wrapper._proto import health_pb2_grpc, worker_pb2_grpc
from racetrack_job_wrapper._proto import worker_pb2 as pb
from racetrack_job_wrapper._worker.activity import Activity
from racetrack_job_wrapper._worker.calls import CallStream
from racetrack_job_wrapper._worker.depth import allow_deep_json
from racetrack_job_wrapper._worker.health import HealthService
from racetrack_job_wrapper._worker.host import SDK_NAME, JobHost, JobSpec
from racetrack_job_wrapper._worker.http import HttpDispatch
from racetrack_job_wrapper._worker.metrics import collect_metrics
from racetrack_job_wrapper._worker.pool import CallPool
from racetrack_job_wrapper._worker.socket_access import apply_socket_access
from racetrack_job_wrapper._worker.wire import (
    describe,
    http_request_from_pb,
    http_response_to_pb,
    metrics_to_pb,
)
from racetrack_job_wrapper.log.logs import get_logger

logger = get_logger(__name__)

ADDRESS_ENV = 'RACETRACK_WORKER_ADDRESS'
MAX_MESSAGE_ENV = 'RACETRACK_MAX_MESSAGE_BYTES'
DRAIN_TIMEOUT_ENV = 'RACETRACK_WORKER_DRAIN_TIMEOUT_MS'
DEFAULT_ADDRESS = '127.0.0.1:7001'
DEFAULT_MAX_MESSAGE_BYTES = 64 << 20
DEFAULT_DRAIN_TIMEOUT_MS = 30000
GRPC_HANDLER_THREADS = 16   # Describe and Health calls, plus one writer per Calls stream
SHUTDOWN_GRACE_S = 1.0      # after the drain, for RPCs that are not calls (Health watches)
PARENT_CHECK_S = 1.0


def _env_int(name: str, default: int) -> int:
    value = os.environ.get(name, '').strip()
    return int(value) if value.isdigit() else default


class WorkerService(worker_pb2_grpc.WorkerServicer):
    def __init__(self, host: JobHost, pool_provider: Callable[[], CallPool], activity: Activity):
        self._host = host
        self._pool_provider = pool_provider
        self._activity = activity
        self._http = HttpDispatch(host)

    def Describe(self, request: pb.DescribeRequest, context: grpc.ServicerContext) -> pb.JobDescription:  # noqa: N802
        return describe(self._host)

    def Metrics(self, request: pb.MetricsRequest, context: grpc.ServicerContext) -> pb.MetricsReply:  # noqa: N802
        return metrics_to_pb(collect_metrics(self._host.job if self._host.state == JobHost.READY else None))

    def Calls(self, request_iterator: Iterator[pb.CallBatch],  # noqa: N802 - gRPC method name
              context: grpc.ServicerContext) -> Iterator[pb.ReplyBatch]:
        stream = CallStream(self._host, self._pool_provider(), request_iterator, context, self._activity)
        self._activity.stream_opened()
        if not context.add_callback(stream.end):  # the RPC has already ended
            stream.end()
        threading.Thread(target=stream.read_all, name='calls-reader', daemon=True).start()
        return stream.replies()

    def Http(self, request: pb.HttpRequest, context: grpc.ServicerContext) -> pb.HttpResponse:  # noqa: N802
        self._activity.calls_started()
        try:
            return http_response_to_pb(self._http.handle(http_request_from_pb(request)))
        finally:
            self._activity.call_finished()


class WorkerServer:
    def __init__(self, spec: JobSpec, address: str | None = None):
        self.address = address or os.environ.get(ADDRESS_ENV) or DEFAULT_ADDRESS
        self.host = JobHost(spec)
        self.health = HealthService()
        self.activity = Activity()
        self._pool: CallPool | None = None
        self._pool_lock = threading.Lock()
        self._server: grpc.Server | None = None
        self.max_message_bytes = _env_int(MAX_MESSAGE_ENV, 0) or DEFAULT_MAX_MESSAGE_BYTES
        self.port = 0

    def pool(self) -> CallPool:
        with self._pool_lock:
            if self._pool is None:
                self._pool = CallPool(self.host.threads or 1)
            return self._pool

    def start(self) -> None:
        """Serves at once (health NOT_SERVING while the job loads). Raises SocketAccessError when
        the socket's mode or group cannot be applied."""
        allow_deep_json()
        max_bytes = self.max_message_bytes
        self._server = grpc.server(
            ThreadPoolExecutor(max_workers=GRPC_HANDLER_THREADS, thread_name_prefix='grpc'),
            options=[('grpc.max_send_message_length', max_bytes),
                     ('grpc.max_receive_message_length', max_bytes),
                     ('grpc.so_reuseport', 0)])
        worker_pb2_grpc.add_WorkerServicer_to_server(
            WorkerService(self.host, self.pool, self.activity), self._server)
        health_pb2_grpc.add_HealthServicer_to_server(self.health, self._server)
        self.port = self._server.add_insecure_port(self.address)
        if self.port == 0 and not self.address.startswith('unix:'):
            raise RuntimeError(f'cannot serve gRPC on {self.address}')
        self._server.start()
        try:
            access = apply_socket_access(self.address)
        except Exception:
            self._server.stop(0)
            raise
        if access:
            logger.debug(f'worker {access}')
        self.host.on_settled(self._on_settled)
        self.host.start_loading()

    def _on_settled(self, state: str) -> None:
        if state == JobHost.READY:
            self.pool()
            self.health.set_serving(True)

    def drain(self, timeout_s: float, keep_waiting: Callable[[], bool] = lambda: True) -> bool:
        """Waits until the gateway has closed its call stream and no call is in flight; False if
        ``timeout_s`` passed first (or keep_waiting() said to stop). Serving goes on meanwhile."""
        deadline = time.monotonic() + timeout_s
        while True:
            left = deadline - time.monotonic()
            if self.activity.wait_idle(max(0.0, min(left, PARENT_CHECK_S))):
                return True
            if left <= PARENT_CHECK_S or not keep_waiting():
                return False

    def stop(self, grace: float = SHUTDOWN_GRACE_S) -> None:
        self.health.set_serving(False)
        if self._server is not None:
            self._server.stop(grace).wait()
        if self._pool is not None:
            self._pool.stop()


def serve_forever(spec: JobSpec) -> None:
    """Runs a worker until SIGTERM/SIGINT, drains, then leaves without waiting for the job's
    threads (exit code 0)."""
    server = WorkerServer(spec)
    stop_requested = threading.Event()
    received: list[int] = []

    def on_signal(signum: int, _frame: FrameType | None) -> None:
        received.append(signum)
        stop_requested.set()

    signal.signal(signal.SIGTERM, on_signal)
    signal.signal(signal.SIGINT, on_signal)
    server.start()
    logger.info(f'worker serving on {server.address} ({SDK_NAME}, gRPC messages up to '
                f'{server.max_message_bytes >> 20} MiB)')
    parent = os.getppid()

    def parent_alive() -> bool:
        return os.getppid() == parent

    while not stop_requested.wait(PARENT_CHECK_S):
        if not parent_alive():  # the gateway that spawned us is gone
            logger.error('the parent process is gone, shutting down...')
            break
    if received:
        timeout_ms = _env_int(DRAIN_TIMEOUT_ENV, DEFAULT_DRAIN_TIMEOUT_MS)
        activity = server.activity
        logger.info(f'received signal {received[0]}, draining: waiting for the gateway to close its '
                    f'call stream ({activity.streams} open, {activity.in_flight} Http requests in flight; '
                    f'at most {timeout_ms} ms)')
        if server.drain(timeout_ms / 1000, parent_alive):
            logger.info('drained, shutting down...')
        else:
            logger.warning(f'drain timeout: shutting down with {activity.streams} call streams open and '
                           f'{activity.in_flight} Http requests in flight')
    server.stop()
    sys.stdout.flush()
    sys.stderr.flush()
    os._exit(0)  # the job's own non-daemon threads must not keep the worker alive
