"""A job's return value → JSON text, exactly as the original runner renders it (spec §7.3).

Stage 1 (``to_json_serializable``) is the runner's own conversion; stage 2 (``jsonable``) follows
FastAPI's ``jsonable_encoder``; stage 3 is ``json.dumps`` with compact separators, raw UTF-8 and
no NaN/Infinity. Failures in stages 2 and 3 raise ValueError, answered with 400.
"""
from __future__ import annotations

import dataclasses
import datetime
import decimal
import enum
import ipaddress
import json
import math
import re
import sys
import uuid
from collections import deque
from pathlib import PurePath
from types import GeneratorType
from typing import Any


def _ndarray_type() -> type | None:
    """numpy.ndarray if the job has imported numpy. A numpy array cannot exist otherwise, so the
    worker never loads numpy itself (it would cost every worker ~20 MB of memory)."""
    numpy = sys.modules.get('numpy')
    return getattr(numpy, 'ndarray', None) if numpy is not None else None

OUT_OF_RANGE_FLOAT = 'Out of range float values are not JSON compliant'

_encode = json.JSONEncoder(ensure_ascii=False, allow_nan=False, separators=(',', ':')).encode
_SCALARS = (str, int, type(None))
_encode_string = json.encoder.encode_basestring  # what _encode does with a str (ensure_ascii=False)


def to_json_serializable(obj: Any) -> Any:
    """Stage 1: numpy arrays, dataclasses (minus fields with metadata exclude=True), paths, dates,
    lists and dict values, and objects with __to_json__."""
    ndarray = _ndarray_type()
    if ndarray is not None and isinstance(obj, ndarray):
        return to_json_serializable(obj.tolist())  # type: ignore[attr-defined]
    if dataclasses.is_dataclass(obj) and not isinstance(obj, type):
        return {f.name: to_json_serializable(getattr(obj, f.name))
                for f in dataclasses.fields(obj) if not f.metadata.get('exclude', False)}
    if isinstance(obj, PurePath):
        return str(obj)
    if isinstance(obj, datetime.date):  # datetime is a date
        return obj.isoformat()
    if isinstance(obj, list):
        return [to_json_serializable(x) for x in obj]
    if isinstance(obj, dict):
        return {k: to_json_serializable(v) for k, v in obj.items()}
    if hasattr(obj, '__to_json__'):
        return obj.__to_json__()
    return obj


def _decimal(value: decimal.Decimal) -> int | float:
    exponent = value.as_tuple().exponent
    return int(value) if isinstance(exponent, int) and exponent >= 0 else float(value)


_ENCODERS_BY_TYPE: dict[type, Any] = {
    bytes: lambda o: o.decode(),
    datetime.date: lambda o: o.isoformat(),
    datetime.datetime: lambda o: o.isoformat(),
    datetime.time: lambda o: o.isoformat(),
    datetime.timedelta: lambda o: o.total_seconds(),
    decimal.Decimal: _decimal,
    ipaddress.IPv4Address: str, ipaddress.IPv4Interface: str, ipaddress.IPv4Network: str,
    ipaddress.IPv6Address: str, ipaddress.IPv6Interface: str, ipaddress.IPv6Network: str,
    re.Pattern: lambda o: o.pattern,
    uuid.UUID: str,
}


def jsonable(obj: Any) -> Any:
    """Stage 2, after FastAPI's jsonable_encoder: containers become lists and dicts, enums their
    values, and other objects dict(obj) or vars(obj)."""
    if isinstance(obj, enum.Enum):
        return obj.value
    if isinstance(obj, PurePath):
        return str(obj)
    if isinstance(obj, (str, int, float, type(None))):
        return obj
    if isinstance(obj, dict):
        return {jsonable(k): jsonable(v) for k, v in obj.items()}
    if isinstance(obj, (list, set, frozenset, GeneratorType, tuple, deque)):
        return [jsonable(x) for x in obj]
    if dataclasses.is_dataclass(obj) and not isinstance(obj, type):
        return jsonable(dataclasses.asdict(obj))
    dump = getattr(obj, 'model_dump', None)  # a pydantic v2 model
    if callable(dump) and not isinstance(obj, type):
        return jsonable(dump(mode='json'))
    encoder = _ENCODERS_BY_TYPE.get(type(obj))
    if encoder is not None:
        return encoder(obj)
    for cls, encoder in _ENCODERS_BY_TYPE.items():
        if isinstance(obj, cls):
            return encoder(obj)
    errors: list[Exception] = []
    try:
        data = dict(obj)
    except Exception as e:
        errors.append(e)
        try:
            data = vars(obj)
        except Exception as e2:
            errors.append(e2)
            raise ValueError(errors) from e2
    return jsonable(data)


def render(obj: Any) -> str:
    """Stage 3: compact JSON text."""
    try:
        return _encode(obj)
    except ValueError as e:
        if 'Out of range float values' in str(e):
            raise ValueError(OUT_OF_RANGE_FLOAT) from e
        raise


def result_to_json(result: Any) -> str:
    """All three stages, with fast paths for the common scalar results (the text json.dumps gives)."""
    kind = type(result)
    if kind is bool:
        return 'true' if result else 'false'
    if result is None:
        return 'null'
    if kind is int:
        return int.__repr__(result)
    if kind is str:
        return _encode_string(result)
    if kind is float:
        if not math.isfinite(result):
            raise ValueError(OUT_OF_RANGE_FLOAT)
        return _encode(result)
    return render(jsonable(to_json_serializable(result)))
