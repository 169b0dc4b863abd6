"""Build hook: generates the gRPC stubs (build_stubs.py) before anything is built or installed,
and pins the runtime dependencies to what the generated code needs.

Generated protobuf code refuses to load on an older protobuf runtime, and generated gRPC code on
an older grpcio, so the dependencies are computed here from the grpcio-tools that generated them.
"""
import os
import re
import sys
from pathlib import Path

from setuptools import Distribution, setup
from setuptools.command.build_py import build_py

sys.path.insert(0, str(Path(__file__).resolve().parent))
import build_gateway  # noqa: E402
import build_stubs  # noqa: E402


def runtime_requirements() -> list:
    import grpc_tools

    worker_pb2 = build_stubs.generated_dir() / 'racetrack' / 'worker' / 'v1' / 'worker_pb2.py'
    requirements = ['PyYAML>=6.0']
    gencode = re.search(r'Domain\.PUBLIC,\s*(\d+),\s*(\d+),\s*(\d+),', worker_pb2.read_text())
    if gencode:
        major, minor, patch = gencode.groups()
        requirements.append(f'protobuf>={major}.{minor}.{patch},<{int(major) + 1}')
    else:
        requirements.append('protobuf>=4.21')
    tools_version = getattr(grpc_tools, '__version__', None)
    if tools_version is None:
        from importlib.metadata import version
        tools_version = version('grpcio-tools')
    requirements.append(f'grpcio>={tools_version}')
    return requirements


class BuildPyWithStubs(build_py):
    def run(self):
        build_stubs.ensure_stubs()
        super().run()
        # A wheel carries the gateway; an editable install uses the source tree's build/.
        if not getattr(self, 'editable_mode', False):
            try:
                build_gateway.build(Path(self.build_lib) / 'racetrack_job_wrapper' / 'bin')
            except build_gateway.GatewayBuildError as e:
                raise SystemExit(f'error: {e}') from None


class BinaryDistribution(Distribution):
    """The wheel holds a native binary (the gateway): tag it for this platform."""

    def has_ext_modules(self):
        return not os.environ.get('RACETRACK_SKIP_GATEWAY')


# Also at import: editable installs and metadata preparation need the stubs and the pins too.
build_stubs.ensure_stubs()

setup(
    install_requires=runtime_requirements(),
    cmdclass={'build_py': BuildPyWithStubs},
    distclass=BinaryDistribution,
)
