"""Generates the gRPC stubs of the worker contract from the repository's proto/ directory.

Run by setup.py whenever the package is built or installed (also in editable mode), and runnable
by hand: ``python build_stubs.py [PROTO_DIR]``. The generated modules are never edited and never
committed (see .gitignore).

Type stubs (``*_pb2.pyi``) are generated beside the modules, so that mypy checks the code that
builds and reads the messages.

The .proto files are copied into a temporary tree under ``racetrack_job_wrapper/_proto/`` before
protoc runs, so that the generated imports point inside this package (protoc derives them from the
file's path) instead of claiming top-level ``racetrack`` and ``grpc`` packages; the proto package
names, and so the wire names (``racetrack.worker.v1.Worker``), stay as they are.
"""
from __future__ import annotations

import os
import shutil
import sys
import tempfile
from pathlib import Path

HERE = Path(__file__).resolve().parent
PACKAGE_PROTO_ROOT = Path('racetrack_job_wrapper') / '_proto'
PROTO_FILES = (
    Path('racetrack') / 'worker' / 'v1' / 'worker.proto',
    Path('grpc') / 'health' / 'v1' / 'health.proto',
)


def find_proto_dir() -> Path | None:
    """The proto/ directory: $RACETRACK_PROTO_DIR, else the repository's, two levels up."""
    candidates = [os.environ.get('RACETRACK_PROTO_DIR'), HERE.parent.parent / 'proto']
    for candidate in candidates:
        if candidate and all((Path(candidate) / f).is_file() for f in PROTO_FILES):
            return Path(candidate)
    return None


def generated_dir(package_root: Path = HERE) -> Path:
    return package_root / PACKAGE_PROTO_ROOT


def stubs_present(package_root: Path = HERE) -> bool:
    out = generated_dir(package_root)
    return all((out / f.parent / (f.stem + '_pb2.py')).is_file() for f in PROTO_FILES)


def generate(proto_dir: Path, package_root: Path = HERE) -> None:
    """Runs grpc_tools.protoc over PROTO_FILES, writing under package_root."""
    from grpc_tools import protoc  # build-time dependency only

    include = Path(protoc.__file__).resolve().parent / '_proto'
    with tempfile.TemporaryDirectory() as tmp:
        tree = Path(tmp)
        for rel in PROTO_FILES:
            target = tree / PACKAGE_PROTO_ROOT / rel
            target.parent.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(proto_dir / rel, target)
        args = ['grpc_tools.protoc', f'-I{tree}', f'-I{include}',
                f'--python_out={package_root}', f'--pyi_out={package_root}',
                f'--grpc_python_out={package_root}']
        args += [str(PACKAGE_PROTO_ROOT / rel) for rel in PROTO_FILES]
        cwd = os.getcwd()
        os.chdir(tree)
        try:
            code = protoc.main(args)
        finally:
            os.chdir(cwd)
        if code != 0:
            raise RuntimeError(f'grpc_tools.protoc failed with code {code}')
    # Make every generated directory a regular package.
    for top in {rel.parts[0] for rel in PROTO_FILES}:
        root = generated_dir(package_root) / top
        for directory in [root, *[p for p in root.rglob('*') if p.is_dir()]]:
            (directory / '__init__.py').touch()


def ensure_stubs(package_root: Path = HERE) -> None:
    proto_dir = find_proto_dir()
    if proto_dir is not None:
        generate(proto_dir, package_root)
    elif not stubs_present(package_root):
        raise RuntimeError('proto/ not found (set RACETRACK_PROTO_DIR) and no generated stubs present')


if __name__ == '__main__':
    ensure_stubs() if len(sys.argv) < 2 else generate(Path(sys.argv[1]))
    print(f'stubs generated in {generated_dir()}')
