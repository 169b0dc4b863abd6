"""The command line (spec §2.1): ``racetrack_job_runner``, ``racetrack_job_wrapper`` and
``python -m racetrack_job_wrapper``.

``run [entrypoint_path] [entrypoint_classname] [--port P] [--manifest-path F]`` replaces this
process with the gateway, which serves HTTP on 0.0.0.0:P (default 7000) and runs the job in a
worker process: ``python -m racetrack_job_wrapper.worker file …``. Loading errors (file or class
not found, import errors, exceptions in __init__) surface as the original's init failure: /live
answers 500 with the error, and the process stays up.
"""
from __future__ import annotations

import argparse
import sys

from racetrack_job_wrapper.log.logs import configure_logs, get_logger

logger = get_logger(__name__)

DEFAULT_PORT = 7000


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser()
    subparsers = parser.add_subparsers()

    run = subparsers.add_parser('run', help='run wrapped entrypoint in a server')
    run.add_argument('entrypoint_path', default='', nargs='?',
                     help='path to a Python file with an entrypoint class')
    run.add_argument('entrypoint_classname', default='', nargs='?',
                     help='Name of the Python class of the Job entrypoint')
    run.add_argument('--manifest-path', default=None, nargs='?', help='path to a Job manifest YAML file')
    run.add_argument('--port', type=int, default=None, nargs='?', help='HTTP port to run the server on')
    run.set_defaults(func=run_entrypoint)

    template = subparsers.add_parser('template', help='Render template file with Manifest variables')
    template.add_argument('template_file', help='path to a template file')
    template.add_argument('out_file', help='path to a output file')
    template.set_defaults(func=render_template)
    return parser


def main(argv: list[str] | None = None) -> None:
    argv = sys.argv[1:] if argv is None else argv
    parser = build_parser()
    if not argv:
        parser.print_help(sys.stderr)
        return
    configure_logs(log_level='debug')
    args = parser.parse_args(argv)
    if not hasattr(args, 'func'):
        parser.print_help(sys.stderr)
        return
    args.func(args)


def run_entrypoint(args: argparse.Namespace) -> None:
    """Hands the process over to the gateway, with a worker hosting the entrypoint class."""
    from racetrack_job_wrapper._worker.gateway import exec_gateway

    worker_args = ['file', args.entrypoint_path, args.entrypoint_classname]
    exec_gateway(args.port or DEFAULT_PORT, worker_args, manifest_path=args.manifest_path)


def render_template(args: argparse.Namespace) -> None:
    """Renders a Jinja2 template with ``manifest``, ``manifest_jobtype_extra`` and ``env_vars``
    (the job.yaml of the cwd). Needs Jinja2, which serving does not."""
    from pathlib import Path

    try:
        import jinja2
    except ImportError:
        logger.error('the template command needs Jinja2: pip install Jinja2')
        sys.exit(1)
    from racetrack_job_wrapper._worker.manifest import jobtype_extra, read_job_manifest_dict

    manifest = read_job_manifest_dict()
    env_vars = dict(manifest.get('build_env') or {})
    template = jinja2.Template(Path(args.template_file).read_text())
    rendered = template.render(manifest=manifest, manifest_jobtype_extra=jobtype_extra(manifest),
                               env_vars=env_vars)
    Path(args.out_file).write_text(rendered)
    logger.info(f'template {args.template_file} rendered into {args.out_file}')
