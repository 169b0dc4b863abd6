"""Return value → JSON (spec §7.3)."""
from __future__ import annotations

import dataclasses
import datetime
import decimal
import enum
import uuid
from pathlib import PosixPath

import pytest

from racetrack_job_wrapper._worker.response import result_to_json


@dataclasses.dataclass
class Point:
    x: int
    when: datetime.date
    secret: str = dataclasses.field(default='hidden', metadata={'exclude': True})


class Color(enum.Enum):
    RED = 'red'


class Jsonable:
    def __to_json__(self):
        return {'custom': True}


class Plain:
    def __init__(self):
        self.a = 1


@pytest.mark.parametrize('value, expected', [
    ({'a': 1, 'b': [1, 2.5, 'x', None, True]}, '{"a":1,"b":[1,2.5,"x",null,true]}'),
    (None, 'null'),
    ('hello', '"hello"'),
    (True, 'true'),
    (42, '42'),
    (b'abc', '"abc"'),
    ({1, 2}, '[1,2]'),
    ((1, 2), '[1,2]'),
    (frozenset([3]), '[3]'),
    (Point(1, datetime.date(2024, 1, 2)), '{"x":1,"when":"2024-01-02"}'),
    (datetime.datetime(2024, 1, 2, 3, 4, 5), '"2024-01-02T03:04:05"'),
    ({1: 'a'}, '{"1":"a"}'),
    (Color.RED, '"red"'),
    (uuid.UUID(int=1), '"00000000-0000-0000-0000-000000000001"'),
    (decimal.Decimal('10'), '10'),
    (decimal.Decimal('1.5'), '1.5'),
    (PosixPath('/tmp/x'), '"/tmp/x"'),
    (Jsonable(), '{"custom":true}'),
    (Plain(), '{"a":1}'),
    ('zażółć', '"zażółć"'),
    (0.1, '0.1'),
    (24.0, '24.0'),
    (1e16, '1e+16'),
    (0.1 + 0.2, '0.30000000000000004'),
    ((x for x in [1, 2]), '[1,2]'),
    ({'nested': [Point(2, datetime.date(2020, 5, 6))]}, '{"nested":[{"x":2,"when":"2020-05-06"}]}'),
])
def test_serialization_table(value, expected):
    assert result_to_json(value) == expected


@pytest.mark.parametrize('value', [float('nan'), float('inf'), {'a': [float('-inf')]}])
def test_non_finite_floats_are_refused(value):
    with pytest.raises(ValueError, match='^Out of range float values are not JSON compliant$'):
        result_to_json(value)


def test_unconvertible_object():
    with pytest.raises(ValueError) as error:
        result_to_json(object())
    assert str(error.value) == ("[TypeError(\"'object' object is not iterable\"), "
                                "TypeError('vars() argument must have __dict__ attribute')]")


def test_numpy_arrays_and_scalars():
    np = pytest.importorskip('numpy')
    assert result_to_json(np.array([[1, 2], [3, 4]])) == '[[1,2],[3,4]]'
    with pytest.raises(ValueError, match="numpy.int64' object is not iterable"):
        result_to_json(np.int64(3))
