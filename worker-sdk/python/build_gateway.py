"""Builds the gateway binary and ships it inside the package, so that ``pip install
./worker-sdk/python`` is the whole set-up for a Python user (on a machine with the system
packages that ``scripts/install-deps.sh`` installs).

Run by setup.py when a wheel is built (``pip install``, ``pip wheel``), not for editable installs,
which find ``build/gateway/gateway`` of the source tree. The binary lands in the package as
``racetrack_job_wrapper/bin/racetrack-gateway``, where ``_worker/gateway.py`` looks first after
``$RACETRACK_GATEWAY_BIN``.

Knobs (environment, at build time):
- ``RACETRACK_GATEWAY_BIN=PATH``: ship that binary instead of building one (an image that built
  it already);
- ``RACETRACK_SKIP_GATEWAY=1``: ship none (the runner then looks on PATH at run time).

A missing system package fails the build with a message that names it.
"""
from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

HERE = Path(__file__).resolve().parent
REPO = HERE.parent.parent
BUILD_DIR = REPO / 'build-python-gateway'
BINARY_NAME = 'racetrack-gateway'

# What the build needs, and the Debian package that provides it.
TOOLS = {'cmake': 'cmake', 'ninja': 'ninja-build', 'c++': 'build-essential', 'pkg-config': 'pkg-config',
         'protoc': 'protobuf-compiler', 'grpc_cpp_plugin': 'protobuf-compiler-grpc'}
PKG_CONFIG_MODULES = {'libuv': 'libuv1-dev', 'grpc++': 'libgrpc++-dev', 'protobuf': 'libprotobuf-dev',
                      'yaml-cpp': 'libyaml-cpp-dev', 'spdlog': 'libspdlog-dev',
                      'simdjson': 'libsimdjson-dev', 'prometheus-cpp-core': 'prometheus-cpp-dev'}
FILES = {'/usr/share/llhttp/llhttp.c': 'node-llhttp', '/usr/include/nlohmann/json.hpp': 'nlohmann-json3-dev'}


class GatewayBuildError(RuntimeError):
    pass


def missing_packages() -> list[str]:
    missing = [package for tool, package in TOOLS.items() if shutil.which(tool) is None]
    if shutil.which('pkg-config') is not None:
        for module, package in PKG_CONFIG_MODULES.items():
            if subprocess.run(['pkg-config', '--exists', module], check=False).returncode != 0:
                missing.append(package)
    missing += [package for path, package in FILES.items() if not Path(path).is_file()]
    return sorted(set(missing))


def build(dest_dir: Path) -> Path | None:
    """Puts the gateway into `dest_dir` (the package's bin/); returns its path, or None if skipped."""
    if os.environ.get('RACETRACK_SKIP_GATEWAY'):
        return None
    dest_dir.mkdir(parents=True, exist_ok=True)
    dest = dest_dir / BINARY_NAME
    given = os.environ.get('RACETRACK_GATEWAY_BIN')
    if given:
        shutil.copy2(given, dest)
        return dest
    if not (REPO / 'CMakeLists.txt').is_file():
        raise GatewayBuildError(
            f'the gateway sources are not at {REPO} (build from a checkout of the repository, or set '
            'RACETRACK_GATEWAY_BIN to a built gateway, or RACETRACK_SKIP_GATEWAY=1)')
    missing = missing_packages()
    if missing:
        raise GatewayBuildError(
            'cannot build the gateway: missing system packages: ' + ' '.join(missing) +
            ' (install them with: sudo apt-get install ' + ' '.join(missing) +
            ', or run scripts/install-deps.sh of the repository)')
    configure = ['cmake', '-S', str(REPO), '-B', str(BUILD_DIR), '-G', 'Ninja',
                 '-DCMAKE_BUILD_TYPE=Release', '-DRT_BUILD_TESTS=OFF']
    jobs = str(os.cpu_count() or 2)
    for command in (configure, ['ninja', '-C', str(BUILD_DIR), '-j', jobs, 'gateway']):
        print('racetrack-job-runner: ' + ' '.join(command), flush=True)
        if subprocess.run(command, check=False).returncode != 0:
            raise GatewayBuildError('building the gateway failed: ' + ' '.join(command))
    shutil.copy2(BUILD_DIR / 'gateway' / 'gateway', dest)
    return dest
