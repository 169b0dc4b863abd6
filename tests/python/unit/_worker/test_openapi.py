"""The OpenAPI operation of an aux v2 endpoint, as FastAPI would describe it."""
from __future__ import annotations

from typing import Annotated

from racetrack_job_wrapper._worker.openapi import openapi_operation
from racetrack_job_wrapper._worker.signature import signature_params
from racetrack_job_wrapper.endpoint_config import Body, Query


def test_embedded_bodies_make_one_object():
    def two(a: Annotated[float, Body()], b: float = Body(2.0), c: int = Body(embed=True)):
        return a
    op = openapi_operation(signature_params(two, set()), 'op', 'S', 'D', {})
    schema = op['requestBody']['content']['application/json']['schema']
    assert (sorted(schema['properties']), schema['required']) == (['a', 'b', 'c'], ['a', 'c'])
    assert 'parameters' not in op


def test_parameters_and_responses():
    def handler(item_id: int, q: Annotated[list[int] | None, Query(description='ids')] = None):
        return item_id
    op = openapi_operation(signature_params(handler, {'item_id'}), 'get_item', 'S', 'D',
                           {'tags': ['items'], 'deprecated': True})
    assert op['tags'] == ['items'] and op['deprecated'] is True and op['operationId'] == 'get_item'
    assert op['parameters'] == [
        {'name': 'item_id', 'in': 'path', 'required': True,
         'schema': {'title': 'Item Id', 'type': 'integer'}},
        {'name': 'q', 'in': 'query', 'required': False, 'description': 'ids',
         'schema': {'title': 'Q', 'type': 'array', 'items': {'type': 'integer'}}}]
    assert sorted(op['responses']) == ['200', '422']
