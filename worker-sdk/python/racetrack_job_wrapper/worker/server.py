"""WorkerServer: the gRPC server of a worker process, and the process's main loop.

Threads: gRPC's handler pool (Describe, Health, and one writer per Calls stream), one reader per
Calls stream, the CallPool that runs the job (RACETRACK_WORKER_THREADS, else the manifest's
max_concurrency, else 40), and the loader that constructs the job. The main thread waits for
SIGTERM/SIGINT.
"""
from __future__ import annotations

import os
import signal
import sys
import threading
from concurrent.futures import ThreadPoolExecutor

import grpc

from racetrack_job_wrapper._proto import health_pb2_grpc, worker_pb2_grpc
from racetrack_job_wrapper.log.logs import get_logger
from racetrack_job_wrapper.worker.calls import CallStream
from racetrack_job_wrapper.worker.health import HealthService
from racetrack_job_wrapper.worker.host import SDK_NAME, JobHost, JobSpec
from racetrack_job_wrapper.worker.http import HttpDispatch
from racetrack_job_wrapper.worker.metrics import collect_metrics
from racetrack_job_wrapper.worker.pool import CallPool

logger = get_logger(__name__)

ADDRESS_ENV = 'RACETRACK_WORKER_ADDRESS'
MAX_MESSAGE_ENV = 'RACETRACK_MAX_MESSAGE_BYTES'
DEFAULT_ADDRESS = '127.0.0.1:7001'
DEFAULT_MAX_MESSAGE_BYTES = 64 << 20
GRPC_HANDLER_THREADS = 16   # Describe and Health calls, plus one writer per Calls stream
SHUTDOWN_GRACE_S = 5.0
PARENT_CHECK_S = 1.0


def _env_int(name: str, default: int) -> int:
    value = os.environ.get(name, '')
    return int(value) if value.isdigit() and int(value) > 0 else default


class WorkerService(worker_pb2_grpc.WorkerServicer):
    def __init__(self, host: JobHost, pool_provider):
        self._host = host
        self._pool_provider = pool_provider
        self._http = HttpDispatch(host)

    def Describe(self, request, context):  # noqa: N802 - gRPC method name
        return self._host.describe()

    def Metrics(self, request, context):  # noqa: N802 - gRPC method name
        return collect_metrics(self._host.job if self._host.state == JobHost.READY else None)

    def Calls(self, request_iterator, context):  # noqa: N802 - gRPC method name
        stream = CallStream(self._host, self._pool_provider(), request_iterator, context)
        context.add_callback(stream.end)
        threading.Thread(target=stream.read_all, name='calls-reader', daemon=True).start()
        return stream.replies()

    def Http(self, request, context):  # noqa: N802 - gRPC method name
        return self._http.handle(request)


class WorkerServer:
    def __init__(self, spec: JobSpec, address: str | None = None):
        self.address = address or os.environ.get(ADDRESS_ENV) or DEFAULT_ADDRESS
        self.host = JobHost(spec)
        self.health = HealthService()
        self._pool: CallPool | None = None
        self._pool_lock = threading.Lock()
        self._server: grpc.Server | None = None
        self.max_message_bytes = _env_int(MAX_MESSAGE_ENV, DEFAULT_MAX_MESSAGE_BYTES)
        self.port = 0

    def pool(self) -> CallPool:
        """Created once the manifest is known (its size may come from max_concurrency)."""
        with self._pool_lock:
            if self._pool is None:
                self._pool = CallPool(self.host.threads or 1)
            return self._pool

    def start(self) -> None:
        max_bytes = self.max_message_bytes
        self._server = grpc.server(
            ThreadPoolExecutor(max_workers=GRPC_HANDLER_THREADS, thread_name_prefix='grpc'),
            options=[('grpc.max_send_message_length', max_bytes),
                     ('grpc.max_receive_message_length', max_bytes),
                     ('grpc.so_reuseport', 0)])
        worker_pb2_grpc.add_WorkerServicer_to_server(WorkerService(self.host, self.pool), self._server)
        health_pb2_grpc.add_HealthServicer_to_server(self.health, self._server)
        self.port = self._server.add_insecure_port(self.address)
        if self.port == 0 and not self.address.startswith('unix:'):
            raise RuntimeError(f'cannot serve gRPC on {self.address}')
        self._server.start()
        self.host.on_settled(self._on_settled)
        self.host.start_loading()

    def _on_settled(self, state: str) -> None:
        if state == JobHost.READY:
            self.pool()
            self.health.set_serving(True)

    def stop(self, grace: float = SHUTDOWN_GRACE_S) -> None:
        self.health.set_serving(False)
        if self._server is not None:
            self._server.stop(grace).wait()
        if self._pool is not None:
            self._pool.stop()


def serve_forever(spec: JobSpec) -> None:
    """Runs a worker until SIGTERM/SIGINT, then leaves without waiting for the job's threads."""
    server = WorkerServer(spec)
    stop_requested = threading.Event()
    received: list[int] = []

    def on_signal(signum, _frame) -> None:
        received.append(signum)
        stop_requested.set()

    signal.signal(signal.SIGTERM, on_signal)
    signal.signal(signal.SIGINT, on_signal)
    server.start()
    logger.info(f'worker serving on {server.address} ({SDK_NAME}, gRPC messages up to '
                f'{server.max_message_bytes >> 20} MiB)')
    parent = os.getppid()
    while not stop_requested.wait(PARENT_CHECK_S):
        if os.getppid() != parent:  # the gateway that spawned us is gone
            logger.error('the parent process is gone, shutting down...')
            break
    if received:
        logger.info(f'received signal {received[0]}, shutting down...')
    server.stop()
    sys.stdout.flush()
    sys.stderr.flush()
    os._exit(0)  # the job's own non-daemon threads must not keep the worker alive
