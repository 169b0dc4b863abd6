"""Docs input examples and their validation (spec §9.4)."""
from __future__ import annotations

import pytest

from racetrack_job_wrapper._worker.docs import get_input_example, validate_entrypoint


class Examples:
    def docs_input_example(self):
        return {'number': 1}

    def docs_input_examples(self):
        return {'/explain': {'x': 2}}


def test_precedence():
    assert get_input_example(Examples(), '/perform') == {'number': 1}
    assert get_input_example(Examples(), '/explain') == {'x': 2}
    assert get_input_example(Examples(), '/other') == {}
    assert get_input_example(object()) == {}


def test_per_endpoint_examples_win_for_perform():
    class Both(Examples):
        def docs_input_examples(self):
            return {'/perform': {'number': 9}}

    assert get_input_example(Both()) == {'number': 9}


def test_examples_must_be_a_dict():
    class Bad:
        def docs_input_examples(self):
            return [1]

    with pytest.raises(RuntimeError, match='docs_input_examples outcome is not a dict'):
        get_input_example(Bad())


@pytest.mark.parametrize('example, message', [
    ([1], 'invalid docs input example: input example (for /perform endpoint) is not a dict'),
    ({'x': object()}, 'invalid docs input example: failed to encode input example (for /perform endpoint) '
                      'to JSON: Object of type object is not JSON serializable'),
    ({'x': 'a' * (1024 * 1024)}, 'invalid docs input example: input example (for /perform endpoint) '
                                 'encoded to JSON (1048585 bytes) exceeds maximum size (1048576 bytes)'),
])
def test_validation(example, message):
    class Job:
        def docs_input_example(self):
            return example

    with pytest.raises(ValueError) as error:
        validate_entrypoint(Job(), [])
    assert str(error.value) == message


def test_aux_examples_are_validated():
    class Job:
        def docs_input_examples(self):
            return {'/explain': 'nope'}

    with pytest.raises(ValueError, match=r'input example \(for /explain endpoint\) is not a dict'):
        validate_entrypoint(Job(), ['/explain'])
