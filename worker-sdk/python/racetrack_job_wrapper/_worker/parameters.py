"""The body of GET /api/v1/parameters: perform's signature (spec §7.5)."""
from __future__ import annotations

from inspect import getfullargspec
from typing import Any


def _type_name(annotations: dict[str, Any], name: str) -> str | None:
    annotation = annotations.get(name)
    if annotation is None:
        return None
    if hasattr(annotation, '__name__'):
        return str(annotation.__name__)
    return str(annotation)


def list_entrypoint_parameters(entrypoint: object) -> list[dict[str, Any]]:
    """Required positional params, then *args, then optional params, then keyword-only ones."""
    if not hasattr(entrypoint, 'perform'):
        raise ValueError("entrypoint doesn't have 'perform' method implemented")
    spec = getfullargspec(entrypoint.perform)
    args, defaults, annotations = spec.args, spec.defaults or (), spec.annotations
    required_count = len(args) - len(defaults)
    required = args[:required_count]
    has_required = bool(required)  # counted with self, as the original does (for *args below)
    if required and required[0] == 'self':
        required = required[1:]
    params: list[dict[str, Any]] = [{'name': a, 'type': _type_name(annotations, a)} for a in required]
    if has_required and spec.varargs is not None:
        params.append({'name': spec.varargs, 'type': f'List[{_type_name(annotations, spec.varargs)}]'})
    for i, arg in enumerate(args[required_count:]):
        params.append({'name': arg, 'default_value': defaults[i], 'type': _type_name(annotations, arg)})
    kwonly_defaults = spec.kwonlydefaults or {}
    for arg in spec.kwonlyargs:
        params.append({'name': arg, 'default_value': kwonly_defaults.get(arg),
                       'type': _type_name(annotations, arg)})
    return params
