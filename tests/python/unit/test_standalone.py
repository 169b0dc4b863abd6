"""Library mode (spec §2.2): the port, and the name under which a fresh worker imports the class."""
from __future__ import annotations

import sys

from racetrack_job_wrapper import standalone
from racetrack_job_wrapper._worker.loader import find_class_by_name


class TopLevel:
    pass


def test_port(monkeypatch):
    monkeypatch.delenv('RACETRACK_PORT', raising=False)
    assert standalone._port(None) == 7000
    monkeypatch.setenv('RACETRACK_PORT', '7123')
    assert standalone._port(None) == 7123
    assert standalone._port(7200) == 7200


def test_importable_names():
    module, qualname, main_file = standalone._importable_name(TopLevel)
    assert (qualname, main_file) == ('TopLevel', '')
    assert find_class_by_name(module, qualname) is TopLevel

    def local():
        class Inner:
            pass
        return Inner
    assert standalone._importable_name(local()) is None  # runs the worker in process instead
    assert sys.modules[module] is not None
