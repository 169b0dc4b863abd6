"""Finding the gateway binary and the command line it is started with."""
from __future__ import annotations

import stat
import sys

import pytest

from racetrack_job_wrapper._worker import gateway


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


def test_gateway_command_line_passes_the_manifest_path_to_the_gateway():
    argv = gateway.gateway_argv('/bin/gw', 7001, ['file', 'job.py', ''], manifest_path='m.yaml')
    worker_at = argv.index('--worker')
    assert argv[:worker_at] == ['/bin/gw', '--port', '7001', '--log-level', 'debug',
                                '--manifest-path', 'm.yaml']
    assert argv[worker_at + 1:][-3:] == ['file', 'job.py', '']


def test_gateway_command_line_takes_extra_options_from_the_environment(monkeypatch):
    monkeypatch.setenv('RACETRACK_GATEWAY_ARGS', '--call-timeout-ms 30000 --workers 2')
    argv = gateway.gateway_argv('/bin/gw', 7001, ['file', 'job.py', ''])
    worker = argv.index('--worker')
    assert argv[worker - 4:worker] == ['--call-timeout-ms', '30000', '--workers', '2']


def test_the_gateway_shipped_in_the_package_is_found(tmp_path, monkeypatch):
    """`pip install` puts the gateway at racetrack_job_wrapper/bin/racetrack-gateway."""
    assert gateway.PACKAGE_DIR.name == 'racetrack_job_wrapper'
    package = tmp_path / 'racetrack_job_wrapper'
    (package / 'bin').mkdir(parents=True)
    shipped = package / 'bin' / 'racetrack-gateway'
    shipped.write_text('#!/bin/sh\n')
    shipped.chmod(shipped.stat().st_mode | stat.S_IEXEC)
    monkeypatch.delenv('RACETRACK_GATEWAY_BIN', raising=False)
    monkeypatch.setattr(gateway, 'PACKAGE_DIR', package)
    assert gateway.find_gateway() == str(shipped)
