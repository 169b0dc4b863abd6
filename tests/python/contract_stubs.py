"""Generates Python gRPC stubs of the worker contract for the tests that speak it as the gateway
does (worker_client.py). The package itself has no generated code: its worker runtime is C++.

Run by venv.sh after grpcio-tools is installed: ``python contract_stubs.py``. The modules land in
tests/python/contract_pb/ (git-ignored). The .proto files are copied under a ``contract_pb/``
tree before protoc runs, so that the generated imports point inside that package instead of
claiming top-level ``racetrack`` and ``grpc`` packages; the proto package names, and so the wire
names (``racetrack.worker.v1.Worker``), stay as they are.
"""
from __future__ import annotations

import os
import shutil
import tempfile
from pathlib import Path

HERE = Path(__file__).resolve().parent
PROTO_DIR = HERE.parent.parent / 'proto'
PACKAGE = Path('contract_pb')
PROTO_FILES = (
    Path('racetrack') / 'worker' / 'v1' / 'worker.proto',
    Path('grpc') / 'health' / 'v1' / 'health.proto',
)


def generate(out_root: Path = HERE) -> None:
    from grpc_tools import protoc  # a test tool, installed by venv.sh

    include = Path(protoc.__file__).resolve().parent / '_proto'
    shutil.rmtree(out_root / PACKAGE, ignore_errors=True)
    with tempfile.TemporaryDirectory() as tmp:
        tree = Path(tmp)
        for rel in PROTO_FILES:
            target = tree / PACKAGE / rel
            target.parent.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(PROTO_DIR / rel, target)
        args = ['grpc_tools.protoc', f'-I{tree}', f'-I{include}', f'--python_out={out_root}',
                f'--grpc_python_out={out_root}']
        args += [str(PACKAGE / rel) for rel in PROTO_FILES]
        cwd = os.getcwd()
        os.chdir(tree)
        try:
            code = protoc.main(args)
        finally:
            os.chdir(cwd)
        if code != 0:
            raise RuntimeError(f'grpc_tools.protoc failed with code {code}')
    root = out_root / PACKAGE
    for directory in [root, *[p for p in root.rglob('*') if p.is_dir()]]:
        (directory / '__init__.py').touch()


if __name__ == '__main__':
    generate()
    print(f'contract stubs generated in {HERE / PACKAGE}')
