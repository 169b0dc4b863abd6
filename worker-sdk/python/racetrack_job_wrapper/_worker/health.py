"""grpc.health.v1.Health: NOT_SERVING while the job loads or after it failed, SERVING once ready."""
from __future__ import annotations

import threading
from collections.abc import Iterator

import grpc

from racetrack_job_wrapper._proto import health_pb2, health_pb2_grpc

WORKER_SERVICE_NAME = 'racetrack.worker.v1.Worker'
_WATCH_POLL_S = 1.0


class HealthService(health_pb2_grpc.HealthServicer):
    def __init__(self) -> None:
        self._serving = False
        self._changed = threading.Condition()

    def set_serving(self, serving: bool) -> None:
        with self._changed:
            self._serving = serving
            self._changed.notify_all()

    def _status(self) -> health_pb2.HealthCheckResponse.ServingStatus:
        return health_pb2.HealthCheckResponse.SERVING if self._serving \
            else health_pb2.HealthCheckResponse.NOT_SERVING

    @staticmethod
    def _known(service: str) -> bool:
        return service in ('', WORKER_SERVICE_NAME)

    def Check(self, request: health_pb2.HealthCheckRequest,  # noqa: N802 - gRPC method name
              context: grpc.ServicerContext) -> health_pb2.HealthCheckResponse:
        if not self._known(request.service):
            context.abort(grpc.StatusCode.NOT_FOUND, 'unknown service')
        return health_pb2.HealthCheckResponse(status=self._status())

    def Watch(self, request: health_pb2.HealthCheckRequest,  # noqa: N802 - gRPC method name
              context: grpc.ServicerContext) -> Iterator[health_pb2.HealthCheckResponse]:
        if not self._known(request.service):
            yield health_pb2.HealthCheckResponse(status=health_pb2.HealthCheckResponse.SERVICE_UNKNOWN)
            return
        last = None
        while context.is_active():
            status = self._status()
            if status != last:
                last = status
                yield health_pb2.HealthCheckResponse(status=status)
            with self._changed:
                self._changed.wait(_WATCH_POLL_S)
