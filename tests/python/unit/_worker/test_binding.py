"""Aux v2 parameter binding (spec §9.2): coercion from path, query, headers and body, 422 details."""
from __future__ import annotations

from typing import Annotated

import pytest

from racetrack_job_wrapper._worker.binding import ParameterErrors, bind
from racetrack_job_wrapper._worker.signature import signature_params
from racetrack_job_wrapper.endpoint_config import Body, Header, Query


def handler(item_id: int, q: str | None = None, flag: bool = False, data: dict | None = None,
            n: Annotated[list[int] | None, Query()] = None, x_token: str = Header('none')):
    return item_id


def test_coercion():
    params = signature_params(handler, {'item_id'})
    kwargs = bind(params, {'item_id': '5'}, 'q=a&flag=on&n=1&n=2', {'x-token': 't'}, b'{"k": 1}')
    assert kwargs == {'item_id': 5, 'q': 'a', 'flag': True, 'data': {'k': 1}, 'n': [1, 2], 'x_token': 't'}
    assert bind(params, {'item_id': '5'}, '', {}, b'') == {
        'item_id': 5, 'q': None, 'flag': False, 'data': None, 'n': None, 'x_token': 'none'}


def test_errors_are_listed_like_fastapi():
    params = signature_params(handler, {'item_id'})
    with pytest.raises(ParameterErrors) as e:
        bind(params, {'item_id': 'x'}, 'flag=maybe&n=1&n=z', {}, b'[1]')
    assert e.value.errors == [
        {'loc': ['path', 'item_id'], 'msg': 'value is not a valid integer', 'type': 'type_error.integer'},
        {'loc': ['query', 'flag'], 'msg': 'value could not be parsed to a boolean',
         'type': 'type_error.bool'},
        {'loc': ['body'], 'msg': 'value is not a valid dict', 'type': 'type_error.dict'},
        {'loc': ['query', 'n', 1], 'msg': 'value is not a valid integer', 'type': 'type_error.integer'}]
    assert e.value.body().startswith(b'{"detail":[{"loc":["path","item_id"],')
    with pytest.raises(ParameterErrors) as e:
        bind(params, {'item_id': '1'}, '', {}, b'{bad')
    assert e.value.errors[0]['type'] == 'value_error.jsondecode'


def test_embedded_bodies():
    def two(a: Annotated[float, Body()], b: float = Body(2.0), c: int = Body(embed=True)):
        return a
    params = signature_params(two, set())
    assert bind(params, {}, '', {}, b'{"a": "1.5", "c": 3}') == {'a': 1.5, 'b': 2.0, 'c': 3}
