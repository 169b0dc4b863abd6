"""``python -m racetrack_job_wrapper.worker``: the worker process the gateway spawns and supervises.

Not for jobs to import; the implementation lives in the private ``_worker`` package (_worker/cli.py
describes the arguments).
"""
from racetrack_job_wrapper._worker.cli import main

__all__: list[str] = []

if __name__ == '__main__':
    main()
