"""Where each parameter of an auxiliary v2 handler comes from (spec §9.2), after FastAPI's rules.

Each parameter of the handler's signature comes from one place:
- the path, if its name is a ``{param}`` of the endpoint's path template, or it is marked ``Path()``;
- the query string, if marked ``Query()``, or if its type is a scalar (str, int, float, bool, an
  enum, ``X | None`` of those) or it has no annotation;
- a header, if marked ``Header()`` (``x_token`` ↔ ``x-token``);
- the JSON body otherwise (``Body()``, dicts, lists, dataclasses, models). A single body parameter
  takes the whole body, unless marked ``Body(embed=True)``; several are keys of a JSON object.

Markers are FastAPI's (``fastapi.Body``/``Query``/``Path``/``Header``, if FastAPI is installed) or
the SDK's own from ``racetrack_job_wrapper.endpoint_config``, given as the default value or in
``Annotated[...]``. binding.py fills the parameters from a request; openapi.py describes them.
"""
from __future__ import annotations

import dataclasses
import enum
import inspect
import types
import typing
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

_MARKERS = {'Body': 'body', 'Query': 'query', 'Path': 'path', 'Header': 'header'}
_SCALARS = (str, int, float, bool)
MISSING: Any = object()  # a required parameter's default


@dataclass
class Param:
    name: str
    source: str            # 'path', 'query', 'header', 'body'
    annotation: Any        # typing.Any when not annotated
    default: Any           # MISSING: required
    embed: bool = False
    alias: str | None = None
    schema_extra: dict[str, Any] = dataclasses.field(default_factory=dict)

    @property
    def required(self) -> bool:
        return self.default is MISSING

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
    default = getattr(marker, 'default', MISSING)
    if default is Ellipsis or type(default).__name__ == 'PydanticUndefinedType':
        return MISSING
    return default


def unwrap_optional(annotation: Any) -> tuple[Any, bool]:
    origin = typing.get_origin(annotation)
    if origin is typing.Union or (hasattr(types, 'UnionType') and origin is types.UnionType):
        args = [a for a in typing.get_args(annotation) if a is not type(None)]
        if len(args) < len(typing.get_args(annotation)):
            return (args[0] if len(args) == 1 else typing.Union[tuple(args)]), True  # noqa: UP007
    return annotation, False


def _is_scalar(annotation: Any) -> bool:
    annotation, _ = unwrap_optional(annotation)
    if annotation is Any or annotation is inspect.Parameter.empty:
        return True
    return isinstance(annotation, type) and issubclass(annotation, (*_SCALARS, enum.Enum))


def is_sequence(annotation: Any) -> bool:
    annotation, _ = unwrap_optional(annotation)
    return (typing.get_origin(annotation) or annotation) in (list, tuple, set, frozenset)


def signature_params(handler: Callable[..., Any], path_names: set[str]) -> list[Param]:
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
        default = MISSING if p.default is p.empty else p.default
        if _marker_kind(default):
            marker, default = default, _marker_default(default)
        if annotation is p.empty:
            annotation = Any
        extra: dict[str, Any] = {}
        source: str | None
        if marker is not None:
            source = _marker_kind(marker)
            if default is MISSING:
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
        if p.name in path_names or source is None:
            source = 'path' if p.name in path_names else 'body'
        params.append(Param(p.name, source, annotation, default,
                            embed=bool(getattr(marker, 'embed', False)),
                            alias=getattr(marker, 'alias', None) or None, schema_extra=extra))
    return params

