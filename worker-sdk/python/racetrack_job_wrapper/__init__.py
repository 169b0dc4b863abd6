"""Racetrack job runner: hosts a Racetrack job class in a worker process behind the C++ gateway.

Jobs written for the original FastAPI runner import the same modules: ``standalone``, ``call``,
``endpoint_config``, ``log.errors``, ``auth.auth`` and ``recordkeeper``.
"""
__version__ = '1.18.0+gateway.0.1.0'
