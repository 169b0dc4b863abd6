"""Finding the gateway binary and handing the process over to it.

The gateway serves HTTP and supervises the worker (``python -m racetrack_job_wrapper.worker …``),
restarting it when it exits. It is searched for in this order:
1. $RACETRACK_GATEWAY_BIN;
2. ``racetrack_job_wrapper/bin/racetrack-gateway`` (package data, if an image or wheel ships it);
3. ``racetrack-gateway`` or ``gateway`` on PATH;
4. ``build/gateway/gateway`` of the source tree this package lives in (editable installs).
"""
from __future__ import annotations

import os
import shlex
import shutil
import sys
from pathlib import Path

GATEWAY_BIN_ENV = 'RACETRACK_GATEWAY_BIN'
# Extra gateway options (shell words), e.g. "--call-timeout-ms 30000 --workers 2".
GATEWAY_ARGS_ENV = 'RACETRACK_GATEWAY_ARGS'
PATH_NAMES = ('racetrack-gateway', 'gateway')
PACKAGE_DIR = Path(__file__).resolve().parent.parent  # racetrack_job_wrapper/
NOT_FOUND_HELP = (
    'the racetrack gateway binary was not found. `pip install ./worker-sdk/python` (not editable) '
    'builds it into the package; or build it in the repository with `make build` (it lands in '
    'build/gateway/gateway), then either set RACETRACK_GATEWAY_BIN to its path or put it on PATH as '
    'racetrack-gateway.'
)


class GatewayNotFound(RuntimeError):
    pass


def _executable(path: Path) -> bool:
    return path.is_file() and os.access(path, os.X_OK)


def find_gateway() -> str:
    env = os.environ.get(GATEWAY_BIN_ENV)
    if env:
        if not _executable(Path(env)):
            raise GatewayNotFound(f'{GATEWAY_BIN_ENV}={env} is not an executable file')
        return env
    packaged = PACKAGE_DIR / 'bin' / 'racetrack-gateway'
    if _executable(packaged):
        return str(packaged)
    for name in PATH_NAMES:
        found = shutil.which(name)
        if found:
            return found
    for parent in PACKAGE_DIR.parents:
        candidate = parent / 'build' / 'gateway' / 'gateway'
        if _executable(candidate):
            return str(candidate)
    raise GatewayNotFound(NOT_FOUND_HELP)


def worker_command(args: list[str]) -> list[str]:
    """How the gateway starts the worker: this interpreter, unbuffered."""
    return [sys.executable, '-u', '-m', 'racetrack_job_wrapper.worker', *args]


def gateway_argv(gateway: str, port: int, worker_args: list[str], log_level: str = 'debug',
                 manifest_path: str | None = None) -> list[str]:
    """The gateway reads the manifest (concurrency cap, home page, name and version) and passes
    what the worker needs in its environment, so a --manifest-path goes to the gateway only."""
    manifest_flags = ['--manifest-path', manifest_path] if manifest_path else []
    extra = shlex.split(os.environ.get(GATEWAY_ARGS_ENV, ''))
    return [gateway, '--port', str(port), '--log-level', log_level, *manifest_flags, *extra,
            '--worker', *worker_command(worker_args)]


def exec_gateway(port: int, worker_args: list[str], manifest_path: str | None = None) -> None:
    """Replaces this process with the gateway, so that signals reach it directly (PID 1 in a
    container). Does not return; exits 1 with a hint if the gateway cannot be found."""
    try:
        gateway = find_gateway()
    except GatewayNotFound as e:
        print(f'racetrack_job_runner: {e}', file=sys.stderr)
        sys.exit(1)
    argv = gateway_argv(gateway, port, worker_args, manifest_path=manifest_path)
    sys.stdout.flush()
    sys.stderr.flush()
    os.execv(gateway, argv)
