"""Calls/s and worker CPU per call of the Calls stream, without the gateway.

    python tools/bench_stream.py [JOB_FILE] [--in-flight 16] [--seconds 5] [--payload '{"number": 7907}']

Starts ``python -m racetrack_job_wrapper.worker file JOB_FILE`` on a unix socket (pinned to CPU 0
when taskset exists) and drives one Calls stream from this process the way the gateway does:
IN_FLIGHT calls outstanding, everything pending sent in one CallBatch, at most 2 unacknowledged
batches. Reports calls/s and the worker's CPU time per call (from /proc).
"""
from __future__ import annotations

import argparse
import os
import queue
import shutil
import subprocess
import sys
import tempfile
import threading
import time

import grpc

# The tests' gRPC client of the worker contract (tests/python/contract_stubs.py generates it).
HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, '..', '..', '..', 'tests', 'python'))
from contract_pb.grpc.health.v1 import health_pb2, health_pb2_grpc  # noqa: E402
from contract_pb.racetrack.worker.v1 import worker_pb2 as pb  # noqa: E402
from contract_pb.racetrack.worker.v1 import worker_pb2_grpc  # noqa: E402

WINDOW = 2


def cpu_seconds(pid: int) -> float:
    with open(f'/proc/{pid}/stat') as f:
        fields = f.read().rsplit(')', 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf('SC_CLK_TCK')


class Driver:
    """Keeps `in_flight` calls outstanding on one stream, with the gateway's window of 2."""

    def __init__(self, stub, in_flight: int, payload: str):
        self.payload = payload
        self.cond = threading.Condition()
        self.pending_calls = in_flight  # calls waiting to be sent
        self.sent_seq = self.acked_seq = 0
        self.done = 0
        self.next_id = 0
        self.outbox: queue.SimpleQueue = queue.SimpleQueue()
        self.stream = stub.Calls(iter(self.outbox.get, None))
        self.reader = threading.Thread(target=self.read, daemon=True)
        self.reader.start()
        self.flush()

    def flush(self) -> None:
        with self.cond:
            if self.pending_calls == 0 or self.sent_seq - self.acked_seq >= WINDOW:
                return
            calls = []
            for _ in range(self.pending_calls):
                self.next_id += 1
                calls.append(pb.Call(id=self.next_id, endpoint='/perform', payload_json=self.payload,
                                     method='POST', headers=[pb.Header(name='host', value='bench')]))
            self.pending_calls = 0
            self.sent_seq += 1
            self.outbox.put(pb.CallBatch(seq=self.sent_seq, calls=calls))

    def read(self) -> None:
        for batch in self.stream:
            with self.cond:
                self.acked_seq = max(self.acked_seq, batch.ack_seq)
                self.done += len(batch.replies)
                self.pending_calls += len(batch.replies)
            self.flush()

    def close(self) -> None:
        self.outbox.put(None)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument('job_file', nargs='?', default=os.path.join(os.path.dirname(__file__),
                                                                     '../../../examples/python/job.py'))
    parser.add_argument('--in-flight', type=int, default=16)
    parser.add_argument('--seconds', type=float, default=5)
    parser.add_argument('--payload', default='{"number": 7907}')
    args = parser.parse_args()

    tmp = tempfile.mkdtemp(prefix='rt-bench-')
    address = f'unix:{tmp}/worker.sock'
    env = dict(os.environ, RACETRACK_WORKER_ADDRESS=address)
    cmd = [sys.executable, '-m', 'racetrack_job_wrapper.worker', 'file', os.path.abspath(args.job_file)]
    if shutil.which('taskset'):
        cmd = ['taskset', '-c', '0', *cmd]
        os.sched_setaffinity(0, {1})
    worker = subprocess.Popen(cmd, env=env, stdout=subprocess.DEVNULL,
                              cwd=os.path.dirname(os.path.abspath(args.job_file)))
    try:
        channel = grpc.insecure_channel(address)
        health = health_pb2_grpc.HealthStub(channel)
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            try:
                if health.Check(health_pb2.HealthCheckRequest(), timeout=1).status == 1:
                    break
            except grpc.RpcError:
                pass
            time.sleep(0.05)
        driver = Driver(worker_pb2_grpc.WorkerStub(channel), args.in_flight, args.payload)
        time.sleep(1)  # warm-up
        c0, n0, t0 = cpu_seconds(worker.pid), driver.done, time.monotonic()
        time.sleep(args.seconds)
        c1, n1, t1 = cpu_seconds(worker.pid), driver.done, time.monotonic()
        calls = n1 - n0
        print(f'{calls / (t1 - t0):.0f} calls/s, worker CPU {(c1 - c0) / calls * 1e6:.1f} us per call '
              f'({args.in_flight} in flight, {calls} calls)')
        driver.close()
    finally:
        worker.terminate()
        worker.wait(10)
        shutil.rmtree(tmp, ignore_errors=True)


if __name__ == '__main__':
    main()
