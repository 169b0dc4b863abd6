"""The job's endpoints as the worker lists them: order, kinds, methods, templates, statics."""
from __future__ import annotations

import json

from racetrack_job_wrapper._worker.endpoints import (
    KIND_AUXILIARY,
    KIND_PERFORM,
    KIND_STATIC,
    collect_endpoints,
)
from racetrack_job_wrapper.endpoint_config import EndpointConfig


def test_perform_then_aux_v1_sorted_then_statics(tmp_path):
    (tmp_path / 'a.css').write_text('a{}')
    (tmp_path / 'b.txt').write_text('b')

    class Job:
        def perform(self):
            """Adds"""

        def auxiliary_endpoints(self):
            return {'zeta': self.perform, '/alpha': self.perform}

        def static_endpoints(self):
            return {'/s/b': str(tmp_path / 'b.txt'), '/s/a': (str(tmp_path / 'a.css'), 'text/css')}

    endpoints = collect_endpoints(Job())
    assert [(e.path, e.kind, e.methods) for e in endpoints.values()] == [
        ('/perform', KIND_PERFORM, ('POST',)), ('/alpha', KIND_AUXILIARY, ('POST',)),
        ('/zeta', KIND_AUXILIARY, ('POST',)), ('/s/a', KIND_STATIC, ('GET',)),
        ('/s/b', KIND_STATIC, ('GET',))]
    assert endpoints['/perform'].description == 'Call main action: Adds'
    assert (endpoints['/s/a'].mimetype, endpoints['/s/b'].mimetype) == ('text/css', 'text/plain')
    assert all(e.json_call for e in list(endpoints.values())[:3])
    assert not any(e.json_call for e in list(endpoints.values())[3:])


def test_aux_v2_templates_and_methods():
    class Job:
        def perform(self):
            return 1

        def auxiliary_endpoints_v2(self):
            def multiply(x: float, y: float = 2.0) -> float:
                return x * y
            return [EndpointConfig('/multiply/{x}', 'GET', multiply),
                    EndpointConfig('put', 'PUT', multiply)]  # unsupported method: skipped

    endpoints = collect_endpoints(Job())
    assert list(endpoints) == ['/perform', '/multiply/{x}']
    multiply = endpoints['/multiply/{x}']
    assert multiply.v2 and multiply.methods == ('GET',) and not multiply.json_call
    assert multiply.pattern is not None and multiply.pattern.match('/multiply/3').groupdict() == {'x': '3'}
    operation = json.loads(multiply.openapi_operation_json)
    assert [p['name'] for p in operation['parameters']] == ['x', 'y']
