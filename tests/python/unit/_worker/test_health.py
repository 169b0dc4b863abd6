"""grpc.health.v1 as the gateway polls it: NOT_SERVING until the job is ready; unknown services."""
from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor

import grpc
import pytest
from worker_client import NOT_SERVING, SERVING

from racetrack_job_wrapper._proto import health_pb2, health_pb2_grpc
from racetrack_job_wrapper._worker.health import WORKER_SERVICE_NAME, HealthService


@pytest.fixture
def health(tmp_path):
    service = HealthService()
    server = grpc.server(ThreadPoolExecutor(2))
    health_pb2_grpc.add_HealthServicer_to_server(service, server)
    address = f'unix:{tmp_path}/h.sock'
    server.add_insecure_port(address)
    server.start()
    channel = grpc.insecure_channel(address)
    yield service, health_pb2_grpc.HealthStub(channel)
    channel.close()
    server.stop(0)


def test_check_and_watch(health):
    service, stub = health
    check = health_pb2.HealthCheckRequest
    assert stub.Check(check(), timeout=5).status == NOT_SERVING
    watch = stub.Watch(check(service=WORKER_SERVICE_NAME), timeout=10)
    assert next(watch).status == NOT_SERVING
    service.set_serving(True)
    assert next(watch).status == SERVING
    watch.cancel()
    assert stub.Check(check(service=WORKER_SERVICE_NAME), timeout=5).status == SERVING
    with pytest.raises(grpc.RpcError) as e:
        stub.Check(check(service='other'), timeout=5)
    assert e.value.code() == grpc.StatusCode.NOT_FOUND
    unknown = stub.Watch(check(service='other'), timeout=5)
    assert next(unknown).status == health_pb2.HealthCheckResponse.SERVICE_UNKNOWN
