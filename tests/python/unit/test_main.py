"""The command line (spec §2.1): help, exit codes, a missing gateway."""
from __future__ import annotations

import os
import subprocess
import sys


def run_cli(*args: str, env: dict | None = None) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, '-m', 'racetrack_job_wrapper', *args], capture_output=True,
                          text=True, timeout=30, env=dict(os.environ, **(env or {})))


def test_no_arguments_print_help_to_stderr_and_exit_0():
    result = run_cli()
    assert result.returncode == 0
    assert 'usage:' in result.stderr and '{run,template}' in result.stderr
    assert result.stdout == ''


def test_help_exits_0():
    result = run_cli('run', '--help')
    assert result.returncode == 0
    assert '[--manifest-path [MANIFEST_PATH]]' in result.stdout
    assert '[entrypoint_path] [entrypoint_classname]' in ' '.join(result.stdout.split())


def test_missing_gateway_says_how_to_build_it(tmp_path):
    result = run_cli('run', 'job.py', env={'RACETRACK_GATEWAY_BIN': str(tmp_path / 'nope')})
    assert result.returncode == 1
    assert 'is not an executable file' in result.stderr
