"""The worker process's command line (the gateway runs it; see _worker/gateway.py).

  python -m racetrack_job_wrapper.worker file ENTRYPOINT_PATH [CLASSNAME]
      load the class from a file as the CLI does (spec §3), validating the docs input examples;
  python -m racetrack_job_wrapper.worker class MODULE QUALNAME [--main-file F] [--path DIR]...
      import a class by name, as serve_job_class does (a class of __main__ is loaded from F).

The gRPC address comes from --address or $RACETRACK_WORKER_ADDRESS. The manifest is the
gateway's to read: ``--manifest-path`` is accepted and ignored (the gateway passes on what the
worker needs in its environment, see config.py).
"""
from __future__ import annotations

import argparse
import json
import os
import sys
from functools import partial

from racetrack_job_wrapper._worker.host import JobSpec
from racetrack_job_wrapper._worker.loader import find_class_by_name, find_class_in_file
from racetrack_job_wrapper._worker.server import ADDRESS_ENV, StartError, serve_forever
from racetrack_job_wrapper.log.logs import configure_logs, get_logger
from racetrack_job_wrapper.standalone import SYS_PATH_ENV

logger = get_logger(__name__)


def parse_args(argv: list[str]) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog='python -m racetrack_job_wrapper.worker',
                                     description='Serves a Racetrack job to the gateway over gRPC.')
    parser.add_argument('--address', help=f'gRPC listen address (default ${ADDRESS_ENV})')
    sub = parser.add_subparsers(dest='source', required=True)
    by_file = sub.add_parser('file', help='load the job class from a Python file')
    by_file.add_argument('entrypoint_path', nargs='?', default='')
    by_file.add_argument('entrypoint_classname', nargs='?', default='')
    by_file.add_argument('--manifest-path', default=None, help='ignored: the gateway reads the manifest')
    by_name = sub.add_parser('class', help='import the job class by module and name')
    by_name.add_argument('module')
    by_name.add_argument('qualname')
    by_name.add_argument('--main-file', default='')
    by_name.add_argument('--path', action='append', default=[], help='prepended to sys.path')
    return parser.parse_args(argv)


def _restore_sys_path(extra: list[str]) -> None:
    """serve_job_class passes its process's sys.path, so the class imports as it did there."""
    inherited = json.loads(os.environ.pop(SYS_PATH_ENV, '[]') or '[]')
    wanted = [*extra, *inherited]
    sys.path[:0] = [p for p in wanted if p not in sys.path]


def spec_from_args(args: argparse.Namespace) -> JobSpec:
    if args.source == 'file':
        return JobSpec(partial(find_class_in_file, args.entrypoint_path, args.entrypoint_classname))
    _restore_sys_path(args.path)
    return JobSpec(partial(find_class_by_name, args.module, args.qualname, args.main_file),
                   validate_examples=False, library_mode=True)


def main(argv: list[str] | None = None) -> None:
    args = parse_args(sys.argv[1:] if argv is None else argv)
    configure_logs(log_level='debug')
    if args.address:
        os.environ[ADDRESS_ENV] = args.address
    try:
        serve_forever(spec_from_args(args))
    except StartError as e:
        logger.error(str(e))
        sys.exit(1)

