"""Racetrack job runner: hosts a Racetrack job class in a worker process behind the C++ gateway.

Public modules, the ones jobs written for the original FastAPI runner import: ``standalone``,
``call``, ``endpoint_config``, ``entrypoint``, ``recordkeeper``, ``log.errors``, ``log.logs``,
``log.exception`` and ``auth.auth``; plus the command line (``main``, ``python -m
racetrack_job_wrapper``) and the worker process the gateway runs (``python -m
racetrack_job_wrapper.worker``). Everything under ``_worker`` and ``_proto`` is internal and may
change without notice.
"""
__version__ = '1.18.0+gateway.0.1.0'
