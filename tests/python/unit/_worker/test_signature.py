"""Where each aux v2 parameter comes from (spec §9.2): path, query, header or body."""
from __future__ import annotations

from typing import Annotated

from racetrack_job_wrapper._worker.signature import signature_params
from racetrack_job_wrapper.endpoint_config import Body, Header, Query


def handler(item_id: int, q: str | None = None, flag: bool = False, data: dict | None = None,
            n: Annotated[list[int] | None, Query()] = None, x_token: str = Header('none')):
    return item_id


def test_sources():
    params = signature_params(handler, {'item_id'})
    assert [(p.name, p.source) for p in params] == [
        ('item_id', 'path'), ('q', 'query'), ('flag', 'query'), ('data', 'body'), ('n', 'query'),
        ('x_token', 'header')]
    assert [p.key for p in params][-1] == 'x-token'
    assert [p.required for p in params] == [True, False, False, False, False, False]


def test_markers_and_embedding():
    def two(a: Annotated[float, Body()], b: float = Body(2.0), c: int = Body(embed=True)):
        return a
    params = signature_params(two, set())
    assert [(p.name, p.source, p.embed, p.required) for p in params] == [
        ('a', 'body', False, True), ('b', 'body', False, False), ('c', 'body', True, True)]
