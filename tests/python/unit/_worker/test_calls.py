"""One Calls stream, in process: acks while the job is slow, batching of replies, cancellation and
timeouts of queued calls, job errors, half-close; driven by a plain gRPC client as the gateway."""
from __future__ import annotations

import time

from contract_pb.racetrack.worker.v1 import worker_pb2 as pb
from worker_client import SERVING, Stream, perform, wait_for


def test_reads_are_acknowledged_while_the_job_is_slow(harness):
    h = harness()
    h.constructed.set()
    wait_for(lambda: h.health_status() == SERVING)
    stream = Stream(h.worker)
    seq = stream.send(perform(1, gate='slow', value='late'))
    first = stream.receive()
    assert first.ack_seq == seq and not first.replies  # acknowledged before the call finished
    seq = stream.send(perform(2, value='fast'))
    replies = stream.replies_until({2})
    assert replies[2].result_json == '"fast"'
    h.gate('slow').set()
    assert stream.replies_until({1})[1].result_json == '"late"'
    stream.close()


def test_replies_finished_together_travel_together(harness):
    """Quick calls read together run inline and are answered together, with the ack, in one
    message."""
    h = harness(dispatch='inline')
    h.constructed.set()
    wait_for(lambda: h.health_status() == SERVING)
    stream = Stream(h.worker)
    seq = stream.send(*[perform(i, value=i) for i in range(1, 11)])
    batch = stream.receive()
    assert batch.ack_seq == seq
    assert sorted((r.id, r.result_json) for r in batch.replies) == [(i, str(i)) for i in range(1, 11)]
    stream.close()


def test_cancel_and_timeout_of_queued_calls(harness, monkeypatch):
    monkeypatch.setenv('RACETRACK_WORKER_THREADS', '1')
    h = harness()
    h.constructed.set()
    wait_for(lambda: h.health_status() == SERVING)
    stream = Stream(h.worker)
    stream.send(perform(1, gate='busy', value=1), perform(2, value=2), perform(3, timeout_ms=50, value=3))
    stream.send(cancel_ids=[2])
    time.sleep(0.1)  # let call 3 outlive its 50 ms timeout while it waits for the only thread
    h.gate('busy').set()
    replies = stream.replies_until({1, 2, 3})
    assert replies[1].result_json == '1'
    assert (replies[2].error.http_status, replies[2].error.type) == (499, 'Cancelled')
    assert (replies[3].error.http_status, replies[3].error.type) == (504, 'Timeout')
    stream.close()


def test_job_errors_and_unknown_endpoints(harness):
    class Failing:
        def perform(self, kind: str):
            if kind == 'type':
                return len(1)
            raise ValueError('bad input')

    h = harness(job_class=Failing)
    wait_for(lambda: h.health_status() == SERVING)
    stream = Stream(h.worker)
    stream.send(pb.Call(id=1, endpoint='/perform', payload_json='{"kind": "value"}'),
                pb.Call(id=2, endpoint='/perform', payload_json='{"kind": "type"}'),
                pb.Call(id=3, endpoint='/nope', payload_json='{}'))
    replies = stream.replies_until({1, 2, 3})
    assert (replies[1].error.http_status, replies[1].error.type, replies[1].error.message) == \
        (400, 'ValueError', 'bad input')
    assert replies[2].error.message == "failed to call a function: object of type 'int' has no len()"
    assert replies[3].error.http_status == 404
    stream.close()


def test_half_close_waits_for_calls_in_flight(harness):
    h = harness()
    h.constructed.set()
    wait_for(lambda: h.health_status() == SERVING)
    stream = Stream(h.worker)
    stream.send(perform(1, gate='end', value='done'))
    assert stream.receive().ack_seq == 1
    stream.close()  # half-close: the worker answers what it read, then ends the stream
    h.gate('end').set()
    assert stream.replies_until({1})[1].result_json == '"done"'
    assert stream.receive() is None  # the stream ended cleanly
