"""Docs hooks of a job (spec §9.4): input examples per endpoint, their validation, docstrings."""
from __future__ import annotations

import inspect
import json
from typing import Any

from racetrack_job_wrapper._worker.response import to_json_serializable

MAX_INPUT_EXAMPLE_JSON_CHARS = 1024 * 1024
PERFORM_ENDPOINT = '/perform'


def get_input_example(entrypoint: object, endpoint: str = PERFORM_ENDPOINT) -> Any:
    """docs_input_examples()[endpoint], else docs_input_example() for /perform, else {}."""
    if hasattr(entrypoint, 'docs_input_examples'):
        examples = entrypoint.docs_input_examples()
        if not isinstance(examples, dict):
            raise RuntimeError('docs_input_examples outcome is not a dict')
        if endpoint in examples:
            return examples[endpoint]
    if endpoint == PERFORM_ENDPOINT and hasattr(entrypoint, 'docs_input_example'):
        return entrypoint.docs_input_example()
    return {}


def validate_entrypoint(entrypoint: object, aux_endpoints: list[str]) -> None:
    """The CLI's check of every input example (/perform and the v1 aux keys, sorted)."""
    for endpoint in [PERFORM_ENDPOINT, *sorted(aux_endpoints)]:
        try:
            _validate_example(get_input_example(entrypoint, endpoint), endpoint)
        except Exception as e:
            raise ValueError(f'invalid docs input example: {e}') from e


def _validate_example(example: Any, endpoint: str) -> None:
    if not isinstance(example, dict):
        raise ValueError(f'input example (for {endpoint} endpoint) is not a dict')
    try:
        encoded = json.JSONEncoder().encode(to_json_serializable(example))
    except Exception as e:
        raise ValueError(f'failed to encode input example (for {endpoint} endpoint) to JSON: {e}') from e
    if len(encoded) > MAX_INPUT_EXAMPLE_JSON_CHARS:
        raise ValueError(f'input example (for {endpoint} endpoint) encoded to JSON ({len(encoded)} bytes) '
                         f'exceeds maximum size ({MAX_INPUT_EXAMPLE_JSON_CHARS} bytes)')


def docstring(obj: object) -> str:
    return inspect.getdoc(obj) or ''
