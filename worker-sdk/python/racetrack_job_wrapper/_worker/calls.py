"""One Calls stream (spec: proto CallBatch/ReplyBatch), served by the sync gRPC server.

Threads, per stream:
- the *reader* (a thread of ours) iterates the incoming CallBatch messages. For each one it
  hands every call to the CallPool, applies its cancel_ids, and queues the batch's seq as an ack;
- the *writer* is the response generator that gRPC's handler thread drives. It blocks on the
  outbox, then drains everything queued (replies and acks) into one ReplyBatch with ack_seq set
  to the highest seq read. Replies that finish while a message is being sent leave together in
  the next one, so batching grows with load and costs nothing when idle.

Every read is acknowledged even while the job is slow: the ack goes alone if no reply follows
within ACK_LINGER_S (the gateway keeps at most two unacknowledged messages, so a late ack would
hold calls back). A call whose reply arrives after the stream ended is dropped.
"""
from __future__ import annotations

import time
from collections.abc import Callable, Iterator
from queue import Empty, SimpleQueue
from typing import Any

import grpc

from racetrack_job_wrapper._proto import worker_pb2 as pb
from racetrack_job_wrapper._worker.activity import Activity
from racetrack_job_wrapper._worker.host import JobHost
from racetrack_job_wrapper._worker.invoke import ProcessExit, exit_process
from racetrack_job_wrapper._worker.model import Call, Outcome, SharedError
from racetrack_job_wrapper._worker.pool import CallPool
from racetrack_job_wrapper._worker.request_context import Cancellation
from racetrack_job_wrapper._worker.wire import call_from_pb, reply_to_pb
from racetrack_job_wrapper.log.logs import get_logger

logger = get_logger(__name__)

ACK_LINGER_S = 0.001  # how long a bare ack waits for a reply to travel with
_END = object()       # the reader is done: the gateway half-closed, or the stream broke


class CallStream:
    def __init__(self, host: JobHost, pool: CallPool, requests: Iterator[pb.CallBatch],
                 context: grpc.ServicerContext, activity: Activity):
        self._host = host
        self._activity = activity
        self._pool = pool
        self._requests = requests
        self._context = context
        self._outbox: SimpleQueue[Any] = SimpleQueue()  # pb.Reply, (seq, calls read) or _END
        self._waiting: dict[int, bool] = {}       # calls not started yet → cancelled?
        self._running: dict[int, Cancellation] = {}  # calls running now → their cancellation
        self._open = True

    # Reader ------------------------------------------------------------------------------

    def read_all(self) -> None:
        put = self._outbox.put
        try:
            for batch in self._requests:
                received = time.monotonic()
                waiting = self._waiting
                for call in batch.calls:
                    waiting[call.id] = False
                    self._pool.submit(self._task(call, received))
                for call_id in batch.cancel_ids:
                    if call_id in waiting:
                        waiting[call_id] = True
                    elif (running := self._running.get(call_id)) is not None:
                        running.cancelled = True
                put((batch.seq, len(batch.calls)))
        except Exception as e:  # noqa: BLE001 - a broken stream ends like a closed one
            if self._context.is_active():
                logger.debug(f'calls stream read failed: {e}')
        finally:
            put(_END)

    def _task(self, message: pb.Call, received: float) -> Callable[[], None]:
        def run() -> None:
            if not self._open:
                return
            call = call_from_pb(message)
            # Registered as running before it leaves the waiting list, so that a cancel that
            # arrives meanwhile finds it in one of the two.
            cancellation = self._running[call.id] = Cancellation()
            try:
                outcome = self._outcome(call, cancellation, received)
            except ProcessExit as e:
                exit_process(e)
                return
            finally:
                self._running.pop(call.id, None)
            self._outbox.put(reply_to_pb(call.id, outcome))
        return run

    def _outcome(self, call: Call, cancellation: Cancellation, received: float) -> Outcome:
        if self._waiting.pop(call.id, False):
            return Outcome.failed(499, 'Cancelled', 'the call was cancelled before it started')
        deadline = received + call.timeout_ms / 1000 if call.timeout_ms else None
        if deadline is not None and (waited := (time.monotonic() - received) * 1000) >= call.timeout_ms:
            return Outcome.failed(504, SharedError.TIMEOUT, f'the call waited {int(waited)} ms for a '
                                  f'worker thread, past its timeout of {call.timeout_ms} ms')
        return self._host.call(call, cancellation, deadline)

    # Writer ------------------------------------------------------------------------------

    def replies(self) -> Iterator[pb.ReplyBatch]:
        """The response generator: one ReplyBatch per wake-up, until the stream ends."""
        get, get_nowait = self._outbox.get, self._outbox.get_nowait
        ack_seq = sent_ack = 0
        in_flight = 0
        reading = True
        try:
            while reading or in_flight > 0:
                item = get()
                replies = []
                while True:
                    if item is _END:
                        reading = False
                        if not self._context.is_active():
                            return
                    elif type(item) is tuple:
                        ack_seq, count = item
                        in_flight += count
                    else:
                        replies.append(item)
                        in_flight -= 1
                    try:
                        item = get_nowait()
                        continue
                    except Empty:
                        pass
                    if replies or not reading or in_flight <= 0 or ack_seq == sent_ack:
                        break
                    try:  # only an ack so far: give a fast reply the chance to travel with it
                        item = get(timeout=ACK_LINGER_S)
                    except Empty:
                        break
                if replies or ack_seq != sent_ack:
                    sent_ack = ack_seq
                    yield pb.ReplyBatch(ack_seq=ack_seq, replies=replies)
        finally:
            self._open = False

    def end(self) -> None:
        """gRPC's termination callback: wake the writer if the stream went away. The stream counts
        as activity until then, which covers its calls: the writer returns only once every call
        it read has been answered (or the stream broke)."""
        self._outbox.put(_END)
        for cancellation in list(self._running.values()):
            cancellation.cancelled = True  # nobody waits for their answers any more
        self._activity.stream_closed()
