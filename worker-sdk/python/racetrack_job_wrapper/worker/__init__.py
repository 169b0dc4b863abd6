"""The worker process: hosts one job class and serves the gateway over gRPC.

Started by the gateway (``gateway --worker python -m racetrack_job_wrapper.worker …``), which sets
RACETRACK_WORKER_ADDRESS. See worker/server.py for the threads, worker/calls.py for the stream.
"""
