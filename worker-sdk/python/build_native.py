"""Builds the package's native parts with the repository's CMake build and ships them inside it,
so that ``pip install ./worker-sdk/python`` is the whole set-up for a Python user (on a machine
with the system packages that ``scripts/install-deps.sh`` installs):

- the worker runtime, the extension module ``racetrack_job_wrapper._native`` (C++, pybind11),
  built for the Python interpreter that runs the build;
- the gateway binary, as ``racetrack_job_wrapper/bin/racetrack-gateway``, where
  ``_worker/gateway.py`` looks first after ``$RACETRACK_GATEWAY_BIN``.

Run by setup.py when a wheel is built (``pip install``, ``pip wheel``), not for editable installs,
which find both in the source tree's ``build/`` (``make build``).

Knobs (environment, at build time):
- ``RACETRACK_GATEWAY_BIN=PATH``: ship that gateway binary instead of building one (an image that
  built it already);
- ``RACETRACK_SKIP_GATEWAY=1``: ship no gateway (the runner then looks on PATH at run time);
- ``RACETRACK_NATIVE_MODULE=PATH``: ship that extension module instead of building one.

A missing system package fails the build with a message that names it.
"""
from __future__ import annotations

import os
import shutil
import subprocess
import sys
import sysconfig
from pathlib import Path

HERE = Path(__file__).resolve().parent
REPO = HERE.parent.parent
BUILD_DIR = REPO / 'build-python'
BINARY_NAME = 'racetrack-gateway'
NATIVE_TARGET = 'racetrack_native'

# What the build needs, and the Debian package that provides it.
TOOLS = {'cmake': 'cmake', 'ninja': 'ninja-build', 'c++': 'build-essential', 'pkg-config': 'pkg-config',
         'protoc': 'protobuf-compiler', 'grpc_cpp_plugin': 'protobuf-compiler-grpc'}
PKG_CONFIG_MODULES = {'libuv': 'libuv1-dev', 'grpc++': 'libgrpc++-dev', 'protobuf': 'libprotobuf-dev',
                      'yaml-cpp': 'libyaml-cpp-dev', 'spdlog': 'libspdlog-dev',
                      'simdjson': 'libsimdjson-dev', 'prometheus-cpp-core': 'prometheus-cpp-dev'}
FILES = {'/usr/share/llhttp/llhttp.c': 'node-llhttp', '/usr/include/nlohmann/json.hpp': 'nlohmann-json3-dev',
         '/usr/include/pybind11/pybind11.h': 'pybind11-dev'}


class NativeBuildError(RuntimeError):
    pass


def missing_packages() -> list[str]:
    missing = [package for tool, package in TOOLS.items() if shutil.which(tool) is None]
    if shutil.which('pkg-config') is not None:
        for module, package in PKG_CONFIG_MODULES.items():
            if subprocess.run(['pkg-config', '--exists', module], check=False).returncode != 0:
                missing.append(package)
    missing += [package for path, package in FILES.items() if not Path(path).is_file()]
    if not (Path(sysconfig.get_paths()['include']) / 'Python.h').is_file():
        missing.append(f'python{sys.version_info.major}.{sys.version_info.minor}-dev')
    return sorted(set(missing))


def build(package_dir: Path) -> None:
    """Puts the extension module into `package_dir` and the gateway into `package_dir`/bin."""
    given_module = os.environ.get('RACETRACK_NATIVE_MODULE')
    given_gateway = os.environ.get('RACETRACK_GATEWAY_BIN')
    ship_gateway = not os.environ.get('RACETRACK_SKIP_GATEWAY')
    targets = ([] if given_module else [NATIVE_TARGET]) + \
        (['gateway'] if ship_gateway and not given_gateway else [])
    if targets:
        _cmake_build(targets)
    module = Path(given_module) if given_module else _built_module()
    shutil.copy2(module, package_dir / module.name)
    if ship_gateway:
        (package_dir / 'bin').mkdir(parents=True, exist_ok=True)
        shutil.copy2(given_gateway or BUILD_DIR / 'gateway' / 'gateway', package_dir / 'bin' / BINARY_NAME)


def _built_module() -> Path:
    suffix = sysconfig.get_config_var('EXT_SUFFIX') or '.so'
    module = BUILD_DIR / 'python' / 'racetrack_job_wrapper' / f'_native{suffix}'
    if not module.is_file():
        raise NativeBuildError(f'the build did not produce {module}')
    return module


def _cmake_build(targets: list[str]) -> None:
    if not (REPO / 'CMakeLists.txt').is_file():
        raise NativeBuildError(
            f'the C++ sources are not at {REPO} (build from a checkout of the repository, or set '
            'RACETRACK_NATIVE_MODULE and RACETRACK_GATEWAY_BIN to built ones)')
    missing = missing_packages()
    if missing:
        raise NativeBuildError(
            'cannot build the worker runtime and the gateway: missing system packages: ' +
            ' '.join(missing) + ' (install them with: sudo apt-get install ' + ' '.join(missing) +
            ', or run scripts/install-deps.sh of the repository)')
    configure = ['cmake', '-S', str(REPO), '-B', str(BUILD_DIR), '-G', 'Ninja',
                 '-DCMAKE_BUILD_TYPE=Release', '-DRT_BUILD_TESTS=OFF', '-DRT_BUILD_PYTHON=ON',
                 f'-DPython_EXECUTABLE={sys.executable}']
    jobs = str(os.cpu_count() or 2)
    for command in (configure, ['ninja', '-C', str(BUILD_DIR), '-j', jobs, *targets]):
        print('racetrack-job-runner: ' + ' '.join(command), flush=True)
        if subprocess.run(command, check=False).returncode != 0:
            raise NativeBuildError('building the native parts failed: ' + ' '.join(command))
