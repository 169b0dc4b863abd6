"""Build hook: a wheel carries the package's native parts, built from the repository's C++ sources
by build_native.py: the worker runtime (the extension module racetrack_job_wrapper._native) and
the gateway binary. Editable installs use the source tree's build/ instead (make build).
"""
import sys
from pathlib import Path

from setuptools import Distribution, setup
from setuptools.command.build_py import build_py

sys.path.insert(0, str(Path(__file__).resolve().parent))
import build_native  # noqa: E402


class BuildPyWithNative(build_py):
    def run(self):
        super().run()
        if not getattr(self, 'editable_mode', False):
            try:
                build_native.build(Path(self.build_lib) / 'racetrack_job_wrapper')
            except build_native.NativeBuildError as e:
                raise SystemExit(f'error: {e}') from None


class BinaryDistribution(Distribution):
    """The wheel holds native code (the extension module, the gateway): tag it for this platform."""

    def has_ext_modules(self):
        return True


setup(
    install_requires=['PyYAML>=6.0'],
    cmdclass={'build_py': BuildPyWithNative},
    distclass=BinaryDistribution,
)
