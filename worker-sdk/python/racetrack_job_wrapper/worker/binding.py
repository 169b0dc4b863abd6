"""Parameter binding for auxiliary endpoints v2 (spec §9.2), after FastAPI's rules.

Each parameter of the handler's signature comes from one place:
- the path, if its name is a ``{param}`` of the endpoint's path template, or it is marked ``Path()``;
- the query string, if marked ``Query()``, or if its type is a scalar (str, int, float, bool, an
  enum, ``X | None`` of those) or it has no annotation;
- a header, if marked ``Header()`` (``x_token`` ↔ ``x-token``);
- the JSON body otherwise (``Body()``, dicts, lists, dataclasses, models). A single body parameter
  takes the whole body, unless marked ``Body(embed=True)``; several are keys of a JSON object.

Markers are FastAPI's (``fastapi.Body``/``Query``/``Path``/``Header``, if FastAPI is installed) or
the SDK's own from ``racetrack_job_wrapper.endpoint_config``, given as the default value or in
``Annotated[...]``. Values are coerced to the annotation, laxly as pydantic v1 does; failures give
422 with a FastAPI (pydantic v1) style ``{"detail": [{"loc", "msg", "type"}]}`` body.
"""
from __future__ import annotations

import dataclasses
import enum
import inspect
import json
import types
import typing
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any
from urllib.parse import parse_qsl, unquote

_MARKERS = {'Body': 'body', 'Query': 'query', 'Path': 'path', 'Header': 'header'}
_SCALARS = (str, int, float, bool)
_MISSING = object()


class ParameterErrors(Exception):
    """422: the request's parameters do not fit the handler."""

    def __init__(self, errors: list[dict[str, Any]]):
        super().__init__('invalid parameters')
        self.errors = errors

    def body(self) -> bytes:
        return json.dumps({'detail': self.errors}, separators=(',', ':')).encode()


@dataclass
class Param:
    name: str
    source: str            # 'path', 'query', 'header', 'body'
    annotation: Any        # typing.Any when not annotated
    default: Any           # _MISSING: required
    embed: bool = False
    alias: str | None = None
    schema_extra: dict[str, Any] = dataclasses.field(default_factory=dict)

    @property
    def required(self) -> bool:
        return self.default is _MISSING

    @property
    def key(self) -> str:
        if self.alias:
            return self.alias
        return self.name.replace('_', '-') if self.source == 'header' else self.name


def _marker_kind(obj: Any) -> str | None:
    for cls in type(obj).__mro__:
        kind = _MARKERS.get(cls.__name__)
        if kind is not None:
            return kind
    return None


def _marker_default(marker: Any) -> Any:
    default = getattr(marker, 'default', _MISSING)
    if default is Ellipsis or type(default).__name__ == 'PydanticUndefinedType':
        return _MISSING
    return default


def _unwrap_optional(annotation: Any) -> tuple[Any, bool]:
    origin = typing.get_origin(annotation)
    if origin is typing.Union or (hasattr(types, 'UnionType') and origin is types.UnionType):
        args = [a for a in typing.get_args(annotation) if a is not type(None)]
        if len(args) < len(typing.get_args(annotation)):
            return (args[0] if len(args) == 1 else typing.Union[tuple(args)]), True  # noqa: UP007
    return annotation, False


def _is_scalar(annotation: Any) -> bool:
    annotation, _ = _unwrap_optional(annotation)
    if annotation is Any or annotation is inspect.Parameter.empty:
        return True
    return isinstance(annotation, type) and issubclass(annotation, (*_SCALARS, enum.Enum))


def _is_sequence(annotation: Any) -> bool:
    annotation, _ = _unwrap_optional(annotation)
    return (typing.get_origin(annotation) or annotation) in (list, tuple, set, frozenset)


def signature_params(handler: Callable, path_names: set[str]) -> list[Param]:
    try:
        hints = typing.get_type_hints(handler, include_extras=True)
    except Exception:  # unresolvable annotations: fall back to the raw ones
        hints = {}
    params = []
    for p in inspect.signature(handler).parameters.values():
        if p.kind in (p.VAR_POSITIONAL, p.VAR_KEYWORD):
            continue
        annotation = hints.get(p.name, p.annotation)
        marker = None
        if typing.get_origin(annotation) is typing.Annotated:
            args = typing.get_args(annotation)
            annotation = args[0]
            marker = next((m for m in args[1:] if _marker_kind(m)), None)
        default = _MISSING if p.default is p.empty else p.default
        if _marker_kind(default):
            marker, default = default, _marker_default(default)
        if annotation is p.empty:
            annotation = Any
        extra: dict[str, Any] = {}
        if marker is not None:
            source = _marker_kind(marker)
            if default is _MISSING:
                default = _marker_default(marker)
            for attr in ('description', 'example', 'examples', 'title'):
                value = getattr(marker, attr, None)
                if value is not None and not callable(value):
                    extra[attr] = value
        elif p.name in path_names:
            source = 'path'
        elif _is_scalar(annotation):
            source = 'query'
        else:
            source = 'body'
        if p.name in path_names:
            source = 'path'
        params.append(Param(p.name, source, annotation, default,
                            embed=bool(getattr(marker, 'embed', False)),
                            alias=getattr(marker, 'alias', None) or None, schema_extra=extra))
    return params


# Coercion -----------------------------------------------------------------------------------

class _Invalid(Exception):
    def __init__(self, msg: str, kind: str, loc: tuple = ()):
        super().__init__(msg)
        self.msg, self.kind, self.loc = msg, kind, loc


_TRUE = {'1', 'on', 't', 'true', 'y', 'yes'}
_FALSE = {'0', 'off', 'f', 'false', 'n', 'no'}


def coerce(value: Any, annotation: Any) -> Any:
    """``value`` as ``annotation``, pydantic v1 style; raises _Invalid."""
    annotation, optional = _unwrap_optional(annotation)
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
            out = {}
            for k, v in value.items():
                try:
                    out[coerce(k, args[0])] = coerce(v, args[1])
                except _Invalid as e:
                    raise _Invalid(e.msg, e.kind, (k, *e.loc)) from None
            return out
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
    payload: Any = _MISSING
    if body_params and body.strip():
        try:
            payload = json.loads(body)
        except ValueError as e:
            raise ParameterErrors([{'loc': ['body', getattr(e, 'pos', 0)], 'msg': getattr(e, 'msg', str(e)),
                                    'type': 'value_error.jsondecode'}]) from None
    for p in params:
        if p.source == 'path':
            raw = unquote(path_params[p.key]) if p.key in path_params else _MISSING
        elif p.source == 'query':
            values = queries.get(p.key)
            raw = _MISSING if values is None else (values if _is_sequence(p.annotation) else values[-1])
        elif p.source == 'header':
            raw = headers.get(p.key.lower(), _MISSING)
        elif whole_body:
            raw = payload
        elif isinstance(payload, dict):
            raw = payload.get(p.key, _MISSING)
        else:
            raw = _MISSING
        loc = ['body'] if p.source == 'body' and whole_body else [p.source, p.key]
        if raw is _MISSING:
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


# OpenAPI ------------------------------------------------------------------------------------

def _schema(annotation: Any) -> dict[str, Any]:
    annotation, _ = _unwrap_optional(annotation)
    origin = typing.get_origin(annotation)
    args = typing.get_args(annotation)
    if annotation is bool:
        return {'type': 'boolean'}
    if annotation is int:
        return {'type': 'integer'}
    if annotation is float:
        return {'type': 'number'}
    if annotation is str:
        return {'type': 'string'}
    if isinstance(annotation, type) and issubclass(annotation, enum.Enum):
        return {'enum': [m.value for m in annotation]}
    if (origin or annotation) in (list, tuple, set, frozenset):
        return {'type': 'array', 'items': _schema(args[0]) if args else {}}
    if (origin or annotation) is dict:
        return {'type': 'object'}
    return {}


def _titled(p: Param) -> dict[str, Any]:
    schema = {'title': p.name.replace('_', ' ').title(), **_schema(p.annotation)}
    if not p.required and p.default is not None:
        try:
            json.dumps(p.default)
            schema['default'] = p.default
        except (TypeError, ValueError):
            pass
    return schema


def openapi_operation(params: list[Param], operation_id: str, summary: str, description: str,
                      other_options: dict[str, Any]) -> dict[str, Any]:
    """The OpenAPI operation object FastAPI would generate, closely enough for Swagger UI."""
    op: dict[str, Any] = {'tags': list(other_options.get('tags') or ['API']), 'summary': summary,
                          'description': description, 'operationId': operation_id}
    parameters = []
    for p in params:
        if p.source == 'body':
            continue
        entry: dict[str, Any] = {'name': p.key, 'in': p.source, 'required': p.source == 'path' or p.required,
                                 'schema': _titled(p)}
        if 'description' in p.schema_extra:
            entry['description'] = p.schema_extra['description']
        if 'example' in p.schema_extra:
            entry['example'] = p.schema_extra['example']
        parameters.append(entry)
    if parameters:
        op['parameters'] = parameters
    body_params = [p for p in params if p.source == 'body']
    if body_params:
        if len(body_params) == 1 and not body_params[0].embed:
            p = body_params[0]
            schema = _titled(p)
            if 'examples' in p.schema_extra:
                schema['examples'] = p.schema_extra['examples']
            required = p.required
        else:
            schema = {'title': f'Body_{operation_id}', 'type': 'object',
                      'properties': {p.key: _titled(p) for p in body_params}}
            names = [p.key for p in body_params if p.required]
            if names:
                schema['required'] = names
            required = bool(names)
        op['requestBody'] = {'content': {'application/json': {'schema': schema}}, 'required': required}
    op['responses'] = {'200': {'description': 'Successful Response',
                               'content': {'application/json': {'schema': {}}}}}
    if parameters or body_params:
        op['responses']['422'] = {'description': 'Validation Error'}
    if other_options.get('deprecated'):
        op['deprecated'] = True
    return op
