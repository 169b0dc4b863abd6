"""What the worker takes from its environment, which the gateway sets when it spawns it.

The gateway reads the manifest (job.yaml) once and passes on what the worker needs: the job's
name and version already resolved (env, else manifest, else the placeholders, spec §5.2) as
JOB_NAME/JOB_VERSION, and the manifest's jobtype_extra.max_concurrency as
RACETRACK_JOB_MAX_CONCURRENCY (unset if the manifest has none). The worker never reads the
manifest itself.
"""
from __future__ import annotations

import os

THREADS_ENV = 'RACETRACK_WORKER_THREADS'
MAX_CONCURRENCY_ENV = 'RACETRACK_JOB_MAX_CONCURRENCY'
DEFAULT_THREADS = 40  # the original's anyio thread limit


def _positive_int(name: str) -> int | None:
    value = os.environ.get(name, '').strip()
    return int(value) if value.isdigit() and int(value) > 0 else None


def pool_size() -> tuple[int, str]:
    """The call pool's size and where it comes from: $RACETRACK_WORKER_THREADS, else
    $RACETRACK_JOB_MAX_CONCURRENCY (if > 0), else 40."""
    for name in (THREADS_ENV, MAX_CONCURRENCY_ENV):
        size = _positive_int(name)
        if size is not None:
            return size, name
    return DEFAULT_THREADS, 'default'


def job_identity() -> tuple[str, str]:
    """The job's name and version as the gateway resolved them (spec §5.2); the placeholders when
    the worker runs without a gateway that sets them."""
    return os.environ.get('JOB_NAME') or 'JOB_NAME', os.environ.get('JOB_VERSION') or 'JOB_VERSION'
