"""Where calls run: inline on the stream's thread while an endpoint answers quickly (no thread
hand-off), on the pool once it blocks (calls overlap); adaptive by default. Driven by a plain gRPC
client as the gateway; a call that runs on the pool is acknowledged before its reply, an inline
one answers together with its ack."""
from __future__ import annotations

import threading

from racetrack_job_wrapper._worker.host import JobSpec

from worker_client import SERVING, Stream, perform, wait_for


def ready(harness, **kwargs):
    h = harness(**kwargs)
    h.constructed.set()
    wait_for(lambda: h.health_status() == SERVING)
    return h


def test_adaptive_is_the_default(harness):
    assert ready(harness).server.dispatch == 'adaptive'
    assert ready(harness, dispatch='pool').server.dispatch == 'pool'


def test_adaptive_runs_quick_calls_inline(harness):
    h = ready(harness)
    stream = Stream(h.worker)
    stream.send(perform(1, value='warm-up'))  # an endpoint's first call runs on the pool
    stream.replies_until({1})
    seq = stream.send(*[perform(i, value=i) for i in range(2, 12)])
    batch = stream.receive()
    assert batch.ack_seq == seq
    assert sorted(r.id for r in batch.replies) == list(range(2, 12))
    stream.close()


def test_adaptive_moves_a_blocking_endpoint_to_the_pool(harness, monkeypatch):
    monkeypatch.setenv('RACETRACK_WORKER_INLINE_LIMIT_US', '2000')
    h = ready(harness)
    stream = Stream(h.worker)
    stream.send(perform(1, value='warm-up'))
    stream.replies_until({1})
    # Quick so far: this call runs inline and blocks on its gate; the stream reads on meanwhile,
    # so the next message is acknowledged, and its call answered, while the first one waits.
    stream.send(perform(2, gate='g1', value='slow'))
    stream.send(perform(3, value='quick'))
    replies = stream.replies_until({3})
    assert replies[3].result_json == '"quick"'
    assert 2 not in replies
    threading.Timer(0.01, h.gate('g1').set).start()  # blocks ≥ 10 ms, over the 2 ms limit
    assert stream.replies_until({2})[2].result_json == '"slow"'
    # Now on the pool: a blocked call is acknowledged before its reply.
    seq = stream.send(perform(4, gate='g2', value='pooled'))
    first = stream.receive()
    assert first.ack_seq == seq and not first.replies
    h.gate('g2').set()
    assert stream.replies_until({4})[4].result_json == '"pooled"'
    stream.close()


def test_pool_dispatch_overlaps_blocking_calls(harness, monkeypatch):
    monkeypatch.setenv('RACETRACK_WORKER_THREADS', '4')
    running = []
    release = threading.Event()
    lock = threading.Lock()

    class Blocking:
        def perform(self, value=None):
            with lock:
                running.append(value)
            assert release.wait(10)
            return value

    h = harness(spec=JobSpec(lambda: Blocking, validate_examples=False))
    wait_for(lambda: h.health_status() == SERVING)
    stream = Stream(h.worker)
    stream.send(*[perform(i, value=i) for i in range(1, 5)])
    wait_for(lambda: len(running) == 4)  # all four run at once on the pool of four
    release.set()
    assert len(stream.replies_until({1, 2, 3, 4})) == 4
    stream.close()
