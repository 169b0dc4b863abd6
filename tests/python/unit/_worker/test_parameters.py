"""GET /api/v1/parameters body (spec §7.5)."""
from typing import List  # noqa: UP035 - typing.List is what the spec's examples use

import pytest

from racetrack_job_wrapper._worker.parameters import list_entrypoint_parameters


class Prime:
    def perform(self, number: int) -> bool:
        return True


class Mode:
    def perform(self, mode: str = 'ok'):
        return mode


class Adder:
    def perform(self, numbers: List[float], radix: int = 10) -> float:  # noqa: UP006
        return sum(numbers)


class Everything:
    def perform(self, a, b: list[int], *rest: str, c: int = 1, d, **kwargs):
        return None


class OnlyVarargs:
    def perform(self, *items):
        return items


@pytest.mark.parametrize('job, expected', [
    (Prime(), [{'name': 'number', 'type': 'int'}]),
    (Mode(), [{'name': 'mode', 'default_value': 'ok', 'type': 'str'}]),
    (Adder(), [{'name': 'numbers', 'type': 'List'}, {'name': 'radix', 'default_value': 10, 'type': 'int'}]),
    (Everything(), [{'name': 'a', 'type': None}, {'name': 'b', 'type': 'list'},
                    {'name': 'rest', 'type': 'List[str]'},
                    {'name': 'c', 'default_value': 1, 'type': 'int'},
                    {'name': 'd', 'default_value': None, 'type': None}]),
    (OnlyVarargs(), [{'name': 'items', 'type': 'List[None]'}]),
])
def test_parameters(job, expected):
    assert list_entrypoint_parameters(job) == expected


def test_string_annotations_are_returned_as_text():
    namespace: dict = {}
    exec('from __future__ import annotations\n'
         'class Job:\n'
         '    def perform(self, x: int, y: dict[str, int] = None): ...\n', namespace)
    assert list_entrypoint_parameters(namespace['Job']()) == [
        {'name': 'x', 'type': 'int'}, {'name': 'y', 'default_value': None, 'type': 'dict[str, int]'}]


def test_missing_perform():
    with pytest.raises(ValueError, match="entrypoint doesn't have 'perform' method implemented"):
        list_entrypoint_parameters(object())


def test_adder_example():
    from racetrack_job_wrapper._worker.loader import find_class_in_file

    from conftest import EXAMPLES

    adder = find_class_in_file(str(EXAMPLES / 'adder' / 'job.py'))
    assert list_entrypoint_parameters(adder()) == [
        {'name': 'numbers', 'type': 'List'}, {'name': 'radix', 'default_value': 10, 'type': 'int'}]
