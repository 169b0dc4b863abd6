"""The command line (spec §2.1) and finding the gateway."""
from __future__ import annotations

import os
import stat
import subprocess
import sys

import pytest

from racetrack_job_wrapper import gateway


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


def test_gateway_lookup_order(tmp_path, monkeypatch):
    fake = tmp_path / 'racetrack-gateway'
    fake.write_text('#!/bin/sh\n')
    fake.chmod(fake.stat().st_mode | stat.S_IEXEC)
    monkeypatch.setenv('RACETRACK_GATEWAY_BIN', str(fake))
    assert gateway.find_gateway() == str(fake)
    monkeypatch.delenv('RACETRACK_GATEWAY_BIN')
    monkeypatch.setenv('PATH', str(tmp_path))
    assert gateway.find_gateway() == str(fake)
    monkeypatch.setattr(gateway, 'PACKAGE_DIR', tmp_path / 'site-packages' / 'racetrack_job_wrapper')
    monkeypatch.setenv('PATH', str(tmp_path / 'empty'))
    with pytest.raises(gateway.GatewayNotFound, match='make build'):
        gateway.find_gateway()


def test_gateway_command_line():
    argv = gateway.gateway_argv('/bin/gw', 7001, ['file', 'job.py', ''])
    assert argv[:6] == ['/bin/gw', '--port', '7001', '--log-level', 'debug', '--worker']
    assert argv[6:] == [sys.executable, '-u', '-m', 'racetrack_job_wrapper.worker', 'file', 'job.py', '']


def test_gateway_command_line_passes_the_manifest_path_to_both():
    worker_args = ['file', 'job.py', '', '--manifest-path', 'm.yaml']
    argv = gateway.gateway_argv('/bin/gw', 7001, worker_args, manifest_path='m.yaml')
    worker_at = argv.index('--worker')
    assert argv[:worker_at] == ['/bin/gw', '--port', '7001', '--log-level', 'debug',
                                '--manifest-path', 'm.yaml']
    assert argv[worker_at + 1:][-2:] == ['--manifest-path', 'm.yaml']
