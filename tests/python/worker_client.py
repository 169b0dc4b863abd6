"""A client of the worker contract, as the gateway would drive it (Calls streams and calls), and
Harness: a WorkerServer in this process with a job whose construction and calls wait for gates."""
from __future__ import annotations

import json
import queue
import threading
import time

import grpc

from racetrack_job_wrapper._worker.host import JobSpec
from racetrack_job_wrapper._worker.server import WorkerServer

from contract_pb.grpc.health.v1 import health_pb2, health_pb2_grpc
from contract_pb.racetrack.worker.v1 import worker_pb2 as pb
from contract_pb.racetrack.worker.v1 import worker_pb2_grpc

SERVING = health_pb2.HealthCheckResponse.SERVING
NOT_SERVING = health_pb2.HealthCheckResponse.NOT_SERVING


class Stream:
    """One Calls stream: send CallBatch messages, read ReplyBatch messages with a timeout."""

    def __init__(self, stub):
        self.outbox: queue.SimpleQueue = queue.SimpleQueue()
        self.inbox: queue.SimpleQueue = queue.SimpleQueue()
        self.seq = 0
        self.call = stub.Calls(iter(self.outbox.get, None))
        threading.Thread(target=self._read, daemon=True).start()

    def _read(self) -> None:
        try:
            for batch in self.call:
                self.inbox.put(batch)
        except grpc.RpcError as e:
            self.inbox.put(e)
        self.inbox.put(None)

    def send(self, *calls: pb.Call, cancel_ids=()) -> int:
        self.seq += 1
        self.outbox.put(pb.CallBatch(seq=self.seq, calls=list(calls), cancel_ids=list(cancel_ids)))
        return self.seq

    def receive(self, timeout: float = 5) -> pb.ReplyBatch:
        return self.inbox.get(timeout=timeout)

    def replies_until(self, ids: set[int], timeout: float = 10) -> dict[int, pb.Reply]:
        found: dict[int, pb.Reply] = {}
        deadline = time.monotonic() + timeout
        while not ids <= found.keys():
            batch = self.receive(max(0.01, deadline - time.monotonic()))
            for reply in batch.replies:
                found[reply.id] = reply
        return found

    def close(self) -> None:
        self.outbox.put(None)


def perform(call_id: int, timeout_ms: int = 0, **payload) -> pb.Call:
    return pb.Call(id=call_id, endpoint='/perform', payload_json=json.dumps(payload), method='POST',
                   timeout_ms=timeout_ms, headers=[pb.Header(name='x-request-tracing-id', value='t1')])


def wait_for(condition, timeout: float = 10):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return
        time.sleep(0.01)
    raise AssertionError('condition not met')


def make_job_class(constructed: threading.Event, gates: dict[str, threading.Event]):
    class GatedJob:
        def __init__(self):
            assert constructed.wait(10), 'the test never released the constructor'

        def perform(self, gate: str = '', value=None):
            """Waits for a gate, then echoes"""
            if gate:
                assert gates.setdefault(gate, threading.Event()).wait(10)
            return value

        def docs_input_example(self):
            return {'value': 'example'}

    return GatedJob


class Harness:
    count = 0

    def __init__(self, tmp_path, job_class=None, spec: JobSpec | None = None, dispatch: str = ''):
        self.constructed = threading.Event()
        self.gates: dict[str, threading.Event] = {}
        cls = job_class or make_job_class(self.constructed, self.gates)
        Harness.count += 1
        self.server = WorkerServer(spec or JobSpec(lambda: cls, validate_examples=False),
                                   f'unix:{tmp_path}/worker-{Harness.count}.sock', dispatch)
        self.server.start()
        self.channel = grpc.insecure_channel(self.server.address)
        self.worker = worker_pb2_grpc.WorkerStub(self.channel)
        self.health = health_pb2_grpc.HealthStub(self.channel)

    def gate(self, name: str) -> threading.Event:
        return self.gates.setdefault(name, threading.Event())

    def health_status(self) -> int:
        return self.health.Check(health_pb2.HealthCheckRequest(), timeout=5).status

    def close(self) -> None:
        self.constructed.set()
        for gate in self.gates.values():
            gate.set()
        self.channel.close()
        self.server.stop(grace=0.5)
