"""The C++ worker runtime: the extension module ``racetrack_job_wrapper._native``.

It serves the worker contract (gRPC server, health, Calls streams with their batching and acks,
the call pool and its dispatch, drain) and calls into Python only to touch the job (edge.py).
An installed package carries the module; an editable install of a source checkout finds the one
``make build`` puts in ``build/python/racetrack_job_wrapper`` (or in $RACETRACK_NATIVE_DIR).
"""
from __future__ import annotations

import os
from pathlib import Path
from types import ModuleType

import racetrack_job_wrapper

NATIVE_DIR_ENV = 'RACETRACK_NATIVE_DIR'
_PACKAGE_DIR = Path(racetrack_job_wrapper.__file__).resolve().parent


def _candidate_dirs() -> list[Path]:
    dirs = [Path(os.environ[NATIVE_DIR_ENV])] if os.environ.get(NATIVE_DIR_ENV) else []
    dirs += [parent / 'build' / 'python' / 'racetrack_job_wrapper' for parent in _PACKAGE_DIR.parents]
    return dirs


def _load() -> ModuleType:
    try:
        from racetrack_job_wrapper import _native
        return _native
    except ImportError as missing:
        for directory in _candidate_dirs():
            if any(directory.glob('_native*.so')):
                racetrack_job_wrapper.__path__.append(str(directory))
                from racetrack_job_wrapper import _native
                return _native
        raise ImportError(
            'the C++ worker runtime (racetrack_job_wrapper._native) is missing: install the package '
            'with `pip install ./worker-sdk/python`, or run `make build` in the repository (an '
            'editable install finds build/python/racetrack_job_wrapper), or set '
            f'{NATIVE_DIR_ENV}') from missing


runtime = _load()
