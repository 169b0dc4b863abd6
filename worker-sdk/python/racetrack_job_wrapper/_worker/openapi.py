"""The OpenAPI operation of an auxiliary v2 endpoint, as FastAPI would generate it (closely enough
for Swagger UI): parameters, request body and responses, from the handler's signature."""
from __future__ import annotations

import enum
import json
import typing
from typing import Any

from racetrack_job_wrapper._worker.signature import Param, unwrap_optional


def _schema(annotation: Any) -> dict[str, Any]:
    annotation, _ = unwrap_optional(annotation)
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
