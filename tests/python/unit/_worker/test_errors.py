"""Exceptions → {status, type, message} (spec §7.4)."""
from __future__ import annotations

import logging
import sys

import pytest

from racetrack_job_wrapper._worker.errors import call_failed, error_body, log_job_exception, map_exception
from racetrack_job_wrapper._worker.model import Failure
from racetrack_job_wrapper.auth.auth import UnauthorizedError
from racetrack_job_wrapper.log.errors import AlreadyExists, EntityNotFound, ValidationError


class CustomValueError(ValueError):
    pass


class HTTPException(Exception):
    def __init__(self, status_code, detail):
        super().__init__(detail)
        self.status_code, self.detail = status_code, detail


@pytest.mark.parametrize('error, expected', [
    (ValueError('bad'), Failure(400, 'ValueError', 'bad')),
    (CustomValueError('custom'), Failure(400, 'CustomValueError', 'custom')),
    (UnauthorizedError('no token', 'expired'), Failure(401, 'UnauthorizedError', 'no token: expired')),
    (UnauthorizedError('no token'), Failure(401, 'UnauthorizedError', 'no token')),
    (EntityNotFound('gone'), Failure(404, 'EntityNotFound', 'gone')),
    (AlreadyExists('twice'), Failure(409, 'AlreadyExists', 'twice')),
    (ValidationError('invalid'), Failure(400, 'ValidationError', 'invalid', logged=False)),
    (RuntimeError('boom'), Failure(500, 'RuntimeError', 'boom')),
    (KeyError('k'), Failure(500, 'KeyError', "'k'")),
    (ZeroDivisionError('division by zero'), Failure(500, 'ZeroDivisionError', 'division by zero')),
    (AssertionError('nope'), Failure(500, 'AssertionError', 'nope')),
    (HTTPException(418, 'teapot'), Failure(418, 'HTTPException', 'teapot', logged=False)),
])
def test_error_mapping_table(error, expected):
    assert map_exception(error) == expected


def test_chained_exception_maps_by_the_outer_one():
    try:
        try:
            raise KeyError('inner')
        except KeyError as inner:
            raise EntityNotFound('outer') from inner
    except EntityNotFound as e:
        assert map_exception(e) == Failure(404, 'EntityNotFound', 'outer')


@pytest.mark.skipif(sys.version_info < (3, 11), reason='ExceptionGroup is new in Python 3.11')
def test_exception_groups():
    single = ExceptionGroup('only', [RuntimeError('only')])  # noqa: F821 - Python 3.11+
    assert map_exception(single) == Failure(500, 'RuntimeError', 'only')
    many = ExceptionGroup('many', [ValueError('v1'), RuntimeError('r2')])  # noqa: F821
    assert map_exception(many) == Failure(
        500, 'ExceptionGroup: ValueError, RuntimeError', 'many (2 sub-exceptions): v1, r2')


def test_type_error_becomes_value_error():
    converted = call_failed(TypeError("perform() missing 1 required positional argument: 'number'"))
    expected = "failed to call a function: perform() missing 1 required positional argument: 'number'"
    assert map_exception(converted) == Failure(400, 'ValueError', expected)


def test_mro_order_decides():
    class Both(EntityNotFound, ValueError):
        pass

    assert map_exception(Both('x')).http_status == 404


def test_log_line_has_cause_and_traceback(caplog):
    logger = logging.getLogger('racetrack.test')
    try:
        try:
            raise OSError('disk')
        except OSError as inner:
            raise RuntimeError('wrapped') from inner
    except RuntimeError as e:
        with caplog.at_level(logging.ERROR, logger='racetrack.test'):
            log_job_exception(logger, e, {'tracing_id': 'abc'})
    record = caplog.records[-1]
    assert record.getMessage() == 'wrapped'
    assert record.cause == 'OSError'
    assert 'test_errors.py:' in record.traceback
    assert record.tracing_id == 'abc'


def test_error_bodies_are_compact_with_raw_utf8():
    """As the original's JSONResponse (spec §7.3, §7.4)."""
    assert error_body('zły "znak"', 'ValueError') == \
        '{"error":"zły \\"znak\\"","type":"ValueError"}'.encode()
