"""Library mode (spec §2.2): ``serve_job_class(Job)`` and ``serve_job_instance(job)``.

serve_job_class re-executes this process as the gateway (so signals reach it directly, as PID 1
in a container), whose worker imports the same class by module and name: a class defined in the
``__main__`` script is loaded from that file under another module name, so the script's
``if __name__ == '__main__'`` block does not run twice. The worker gets this process's sys.path.

A job instance cannot move to another process, so serve_job_instance (and serve_job_class for a
class that cannot be imported by name, e.g. one defined inside a function) runs the worker in this
process and the gateway as a child connected with --worker-address. Crash isolation is then lost:
a job that exits takes the server down.

Both serve on 0.0.0.0:7000 unless ``port`` (or $RACETRACK_PORT) says otherwise, and block.
"""
from __future__ import annotations

import json
import os
import shutil
import signal
import subprocess
import sys
import tempfile
from pathlib import Path
from types import FrameType
from typing import TYPE_CHECKING

from racetrack_job_wrapper._worker.gateway import GatewayNotFound, exec_gateway, find_gateway
from racetrack_job_wrapper.log.logs import configure_logs, get_logger

if TYPE_CHECKING:  # the worker's modules load only when this process hosts the job itself
    from racetrack_job_wrapper._worker.host import JobSpec

logger = get_logger(__name__)

DEFAULT_PORT = 7000
PORT_ENV = 'RACETRACK_PORT'
SYS_PATH_ENV = 'RACETRACK_WORKER_SYS_PATH'


def _port(port: int | None) -> int:
    if port:
        return port
    env = os.environ.get(PORT_ENV, '')
    return int(env) if env.isdigit() else DEFAULT_PORT


def _importable_name(cls: type) -> tuple[str, str, str] | None:
    """(module, qualname, main file) under which a fresh interpreter finds cls, or None."""
    module, qualname = cls.__module__, cls.__qualname__
    if '<locals>' in qualname:
        return None
    main_file = ''
    if module == '__main__':
        main = sys.modules.get('__main__')
        spec = getattr(main, '__spec__', None)
        if spec is not None and spec.name and spec.name != '__main__':
            return spec.name, qualname, ''  # run as `python -m pkg.mod`: import it by that name
        main_file = getattr(main, '__file__', '') or ''
        if not main_file or not Path(main_file).is_file():
            return None
        main_file = str(Path(main_file).resolve())
    return module, qualname, main_file


def serve_job_class(entrypoint_class: type, port: int | None = None) -> None:
    """Serves the job class: probes answer at once, ``entrypoint_class()`` runs in the worker while
    /ready says 500, and an exception there is reported by /live (the process stays up)."""
    configure_logs(log_level='debug')
    name = _importable_name(entrypoint_class)
    if name is None:
        from racetrack_job_wrapper._worker.host import JobSpec
        logger.warning(f'{entrypoint_class.__qualname__} cannot be imported by name: the worker runs '
                       'in this process, without crash isolation')
        _serve_in_process(JobSpec(lambda: entrypoint_class, validate_examples=False, library_mode=True),
                          _port(port))
        return
    module, qualname, main_file = name
    os.environ[SYS_PATH_ENV] = json.dumps([p for p in sys.path if p])
    worker_args = ['class', module, qualname]
    if main_file:
        worker_args += ['--main-file', main_file]
    exec_gateway(_port(port), worker_args)


def serve_job_instance(entrypoint: object, port: int | None = None) -> None:
    """Serves an already built job: ready from the start. The worker runs in this process."""
    from racetrack_job_wrapper._worker.host import JobSpec
    _serve_in_process(JobSpec(lambda: type(entrypoint), validate_examples=False, instance=entrypoint),
                      _port(port))


def _serve_in_process(spec: JobSpec, port: int) -> None:
    from racetrack_job_wrapper._worker.server import WorkerServer

    try:
        gateway = find_gateway()
    except GatewayNotFound as e:
        print(f'racetrack_job_wrapper: {e}', file=sys.stderr)
        sys.exit(1)
    socket_dir = tempfile.mkdtemp(prefix='racetrack-worker-')
    server = WorkerServer(spec, f'unix:{socket_dir}/worker.sock')
    server.start()
    child = subprocess.Popen([gateway, '--port', str(port), '--log-level', 'debug',
                              '--worker-address', server.address])

    def forward(signum: int, _frame: FrameType | None) -> None:
        child.send_signal(signum)

    previous = {s: signal.signal(s, forward) for s in (signal.SIGTERM, signal.SIGINT)}
    try:
        code = child.wait()
    finally:
        for s, handler in previous.items():
            signal.signal(s, handler)
        server.stop(grace=1.0)
        shutil.rmtree(socket_dir, ignore_errors=True)
    sys.exit(code)
