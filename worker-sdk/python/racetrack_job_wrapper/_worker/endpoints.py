"""The job's endpoints as the worker dispatches and describes them (spec §7, §9).

Built once after the job instance exists; Describe and calls never ask the job again, except
that every call runs the endpoint's callable.
"""
from __future__ import annotations

import json
import mimetypes
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from racetrack_job_wrapper._worker.docs import PERFORM_ENDPOINT, docstring, get_input_example
from racetrack_job_wrapper._worker.openapi import openapi_operation
from racetrack_job_wrapper._worker.response import result_to_json
from racetrack_job_wrapper._worker.signature import Param, signature_params
from racetrack_job_wrapper.log.logs import get_logger

logger = get_logger(__name__)

KIND_PERFORM, KIND_AUXILIARY, KIND_STATIC, KIND_WEBVIEW = 'perform', 'auxiliary', 'static', 'webview'
WEBVIEW_PATH = '/webview'
ANY_METHOD = ('GET', 'HEAD', 'POST', 'PUT', 'DELETE', 'PATCH', 'OPTIONS')
_PATH_PARAM = re.compile(r'\{([^}/:]+)(?::[^}]*)?\}')


def _no_perform(**_kwargs: Any) -> Any:
    raise ValueError("entrypoint doesn't have 'perform' method implemented")


@dataclass
class Endpoint:
    path: str                      # relative to /api/v1, with a leading slash
    kind: str
    methods: tuple[str, ...]
    handler: Callable[..., Any] | None = None
    summary: str = ''
    description: str = ''
    input_example_json: str | None = None
    mimetype: str = ''
    static_file: str = ''
    v2: bool = False               # auxiliary_endpoints_v2: arguments bound from the whole request
    pattern: re.Pattern[str] | None = field(default=None, repr=False)  # aux v2 with {params} in its path
    params: list[Param] = field(default_factory=list, repr=False)  # aux v2: where each argument comes from
    openapi_operation_json: str = ''  # aux v2 (always set): the gateway sends these calls over Http

    @property
    def json_call(self) -> bool:
        """Whether calls arrive on the Calls stream: perform and aux v1 take the JSON body as their
        keyword arguments. Aux v2 endpoints always describe an OpenAPI operation, which makes the
        gateway send them over Http, where binding.py fills their parameters."""
        return self.handler is not None and not self.v2 and self.kind in (KIND_PERFORM, KIND_AUXILIARY)


def _example_json(example: Any) -> str | None:
    try:
        return result_to_json(example)
    except Exception as e:  # an example that cannot be rendered only loses its docs default
        logger.warning(f'input example cannot be encoded to JSON: {e}')
        return None


def _normalize(path: str) -> str:
    return path if path.startswith('/') else '/' + path


def collect_endpoints(job: Any) -> dict[str, Endpoint]:
    """perform, then aux v1 (sorted keys) or aux v2 (list order), then static files (sorted)."""
    endpoints: dict[str, Endpoint] = {}
    perform = getattr(job, 'perform', None)
    doc = docstring(perform) if perform is not None else ''
    endpoints[PERFORM_ENDPOINT] = Endpoint(
        PERFORM_ENDPOINT, KIND_PERFORM, ('POST',), perform if perform is not None else _no_perform,
        summary='Call main action', description=f'Call main action: {doc}' if doc else 'Call main action',
        input_example_json=_example_json(get_input_example(job, PERFORM_ENDPOINT)))
    if hasattr(job, 'auxiliary_endpoints'):
        _add_aux_v1(job, endpoints)
    elif hasattr(job, 'auxiliary_endpoints_v2'):
        _add_aux_v2(job, endpoints)
    if hasattr(job, 'static_endpoints'):
        statics = job.static_endpoints()
        for key in sorted(statics):
            _add_static(endpoints, key, statics[key])
    return endpoints


def _aux_description(handler: Callable[..., Any]) -> str:
    doc = docstring(handler)
    return f'Call auxiliary endpoint: {doc}' if doc else 'Call auxiliary endpoint'


def _add_aux_v1(job: Any, endpoints: dict[str, Endpoint]) -> None:
    aux = job.auxiliary_endpoints()
    for key in sorted(aux):
        path = _normalize(key)
        example = _example_json(get_input_example(job, key))
        endpoints.setdefault(path, Endpoint(
            path, KIND_AUXILIARY, ('POST',), aux[key], summary=f'Call auxiliary endpoint: {path}',
            description=_aux_description(aux[key]), input_example_json=example))
        logger.info(f'configured auxiliary endpoint: {path}')


def _add_aux_v2(job: Any, endpoints: dict[str, Endpoint]) -> None:
    for config in job.auxiliary_endpoints_v2():
        path = _normalize(config.path)
        method = str(getattr(config.method, 'value', config.method)).upper()
        if method not in ('GET', 'POST'):
            logger.error(f'method {config.method} chosen for path {path} is not supported')
            continue
        if path in endpoints:
            continue
        pattern = _template_pattern(path)
        summary, description = f'Call auxiliary endpoint: {path}', _aux_description(config.handler)
        params = signature_params(config.handler, set(pattern.groupindex) if pattern else set())
        operation_id = 'auxiliary_endpoint_' + path.replace('/', '_')
        operation = openapi_operation(params, operation_id, summary, description,
                                      dict(getattr(config, 'other_options', None) or {}))
        endpoints[path] = Endpoint(
            path, KIND_AUXILIARY, (method,), config.handler, summary=summary, description=description,
            v2=True, pattern=pattern, params=params,
            openapi_operation_json=json.dumps(operation, separators=(',', ':'), default=str))
        logger.info(f'configured auxiliary endpoint: {path}')


def _template_pattern(path: str) -> re.Pattern[str] | None:
    """``/multiply/{x}`` → a regex with a named group per parameter; None without parameters."""
    parts, last = [], 0
    for found in _PATH_PARAM.finditer(path):
        parts.append(re.escape(path[last:found.start()]))
        parts.append(f'(?P<{found.group(1)}>[^/]+)')
        last = found.end()
    if not parts:
        return None
    parts.append(re.escape(path[last:]))
    return re.compile('^' + ''.join(parts) + '$')


def _add_static(endpoints: dict[str, Endpoint], key: str, value: Any) -> None:
    if isinstance(value, str) and Path(value).is_dir():
        for sub in Path(value).iterdir():
            _add_static(endpoints, f'{key}/{sub.name}', str(sub))
        return
    if isinstance(value, tuple):
        filename, mimetype = value[0], value[1]
    elif isinstance(value, str):
        filename, mimetype = value, None
    else:
        raise RuntimeError('static endpoint value should be string or tuple')
    assert Path(filename).is_file(), f"static file doesn't exist: {filename}"
    if not mimetype:
        mimetype, _ = mimetypes.guess_type(filename, strict=False)
        if not mimetype:
            mimetype = 'text/plain'
            logger.warning(f"Can't detect mimetype of static file {filename}, applying default {mimetype}")
    path = _normalize(key)
    endpoints.setdefault(path, Endpoint(path, KIND_STATIC, ('GET',), mimetype=mimetype, static_file=filename))
    logger.info(f'configured static endpoint: {path} -> {filename} ({mimetype})')

