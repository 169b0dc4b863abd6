"""Binding a request to an auxiliary v2 handler's keyword arguments (spec §9.2).

Values are coerced to the annotation, laxly as pydantic v1 does; failures give 422 with a FastAPI
(pydantic v1) style ``{"detail": [{"loc", "msg", "type"}]}`` body. Where each parameter comes from
is decided once per endpoint (signature.py).
"""
from __future__ import annotations

import dataclasses
import enum
import json
import typing
from typing import Any
from urllib.parse import parse_qsl, unquote

from racetrack_job_wrapper._worker.errors import detail_body
from racetrack_job_wrapper._worker.signature import MISSING, Param, is_sequence, unwrap_optional


class ParameterErrors(Exception):
    """422: the request's parameters do not fit the handler."""

    def __init__(self, errors: list[dict[str, Any]]):
        super().__init__('invalid parameters')
        self.errors = errors

    def body(self) -> bytes:
        return detail_body(self.errors)


# Coercion -----------------------------------------------------------------------------------

class _Invalid(Exception):
    def __init__(self, msg: str, kind: str, loc: tuple[Any, ...] = ()):
        super().__init__(msg)
        self.msg, self.kind, self.loc = msg, kind, loc


_TRUE = {'1', 'on', 't', 'true', 'y', 'yes'}
_FALSE = {'0', 'off', 'f', 'false', 'n', 'no'}


def coerce(value: Any, annotation: Any) -> Any:
    """``value`` as ``annotation``, pydantic v1 style; raises _Invalid."""
    annotation, optional = unwrap_optional(annotation)
    if value is None:
        if optional or annotation is Any:
            return None
        raise _Invalid('none is not an allowed value', 'type_error.none.not_allowed')
    if annotation is Any or annotation is object:
        return value
    origin = typing.get_origin(annotation)
    args = typing.get_args(annotation)
    if origin is typing.Union:
        for option in args:
            try:
                return coerce(value, option)
            except _Invalid:
                continue
        raise _Invalid('value is not valid', 'type_error')
    if annotation is bool:
        if isinstance(value, bool):
            return value
        if isinstance(value, (int, float)) and value in (0, 1):
            return bool(value)
        if isinstance(value, str) and value.lower() in _TRUE | _FALSE:
            return value.lower() in _TRUE
        raise _Invalid('value could not be parsed to a boolean', 'type_error.bool')
    if annotation is int:
        try:
            if isinstance(value, (int, float)) and not isinstance(value, bool):
                return int(value)
            if isinstance(value, str):
                return int(value.strip())
        except ValueError:
            pass
        if isinstance(value, bool):
            return int(value)
        raise _Invalid('value is not a valid integer', 'type_error.integer')
    if annotation is float:
        try:
            if isinstance(value, (int, float, str)):
                return float(value)
        except ValueError:
            pass
        raise _Invalid('value is not a valid float', 'type_error.float')
    if annotation is str:
        if isinstance(value, str):
            return value
        if isinstance(value, (int, float)) and not isinstance(value, bool):
            return str(value)
        raise _Invalid('str type expected', 'type_error.str')
    if isinstance(annotation, type) and issubclass(annotation, enum.Enum):
        try:
            return annotation(value)
        except ValueError:
            permitted = ', '.join(repr(m.value) for m in annotation)
            raise _Invalid(f'value is not a valid enumeration member; permitted: {permitted}',
                           'type_error.enum') from None
    if (origin or annotation) in (list, tuple, set, frozenset):
        container = origin or annotation
        if not isinstance(value, (list, tuple, set, frozenset)):
            raise _Invalid(f'value is not a valid {container.__name__}', f'type_error.{container.__name__}')
        item = args[0] if args else Any
        out = []
        for i, x in enumerate(value):
            try:
                out.append(coerce(x, item))
            except _Invalid as e:
                raise _Invalid(e.msg, e.kind, (i, *e.loc)) from None
        return container(out)
    if (origin or annotation) is dict:
        if not isinstance(value, dict):
            raise _Invalid('value is not a valid dict', 'type_error.dict')
        if len(args) == 2:
            items = {}
            for k, v in value.items():
                try:
                    items[coerce(k, args[0])] = coerce(v, args[1])
                except _Invalid as e:
                    raise _Invalid(e.msg, e.kind, (k, *e.loc)) from None
            return items
        return value
    if isinstance(annotation, type):
        if isinstance(value, annotation):
            return value
        model = hasattr(annotation, 'model_validate') or hasattr(annotation, 'parse_obj')
        if isinstance(value, dict) and (dataclasses.is_dataclass(annotation) or model):
            try:
                if hasattr(annotation, 'model_validate'):
                    return annotation.model_validate(value)
                if hasattr(annotation, 'parse_obj'):
                    return annotation.parse_obj(value)
                return annotation(**value)
            except (TypeError, ValueError) as e:
                raise _Invalid(str(e), 'value_error') from None
        if isinstance(value, dict):
            raise _Invalid(f'value is not a valid {annotation.__name__}', 'type_error')
    return value


# Binding ------------------------------------------------------------------------------------

def parse_query(query: str) -> dict[str, list[str]]:
    out: dict[str, list[str]] = {}
    for name, value in parse_qsl(query, keep_blank_values=True):
        out.setdefault(name, []).append(value)
    return out


def bind(params: list[Param], path_params: dict[str, str], query: str,
         headers: dict[str, str], body: bytes) -> dict[str, Any]:
    """The handler's keyword arguments, or ParameterErrors (all problems, as FastAPI lists them)."""
    errors: list[dict[str, Any]] = []
    kwargs: dict[str, Any] = {}
    queries = parse_query(query)
    body_params = [p for p in params if p.source == 'body']
    whole_body = len(body_params) == 1 and not body_params[0].embed
    payload: Any = MISSING
    if body_params and body.strip():
        try:
            payload = json.loads(body)
        except ValueError as e:
            raise ParameterErrors([{'loc': ['body', getattr(e, 'pos', 0)], 'msg': getattr(e, 'msg', str(e)),
                                    'type': 'value_error.jsondecode'}]) from None
    for p in params:
        if p.source == 'path':
            raw = unquote(path_params[p.key]) if p.key in path_params else MISSING
        elif p.source == 'query':
            values = queries.get(p.key)
            raw = MISSING if values is None else (values if is_sequence(p.annotation) else values[-1])
        elif p.source == 'header':
            raw = headers.get(p.key.lower(), MISSING)
        elif whole_body:
            raw = payload
        elif isinstance(payload, dict):
            raw = payload.get(p.key, MISSING)
        else:
            raw = MISSING
        loc = ['body'] if p.source == 'body' and whole_body else [p.source, p.key]
        if raw is MISSING:
            if p.required:
                errors.append({'loc': loc, 'msg': 'field required', 'type': 'value_error.missing'})
            else:
                kwargs[p.name] = p.default
            continue
        try:
            kwargs[p.name] = coerce(raw, p.annotation)
        except _Invalid as e:
            errors.append({'loc': loc + list(e.loc), 'msg': e.msg, 'type': e.kind})
    if errors:
        raise ParameterErrors(errors)
    return kwargs

