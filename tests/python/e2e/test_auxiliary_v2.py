"""End to end: auxiliary endpoints v2 (spec §9.2) through the real gateway and a Python worker:
path, query and body parameters bound to the handler's arguments, 422s, perform's rendering."""
from __future__ import annotations

import json

from conftest import EXAMPLES


def test_aux_v2_binds_path_query_and_body(start_job):
    job = start_job('job.py', cwd=EXAMPLES / 'auxiliary_v2')
    job.wait_ready()
    multiplied = job.request('POST', '/api/v1/multiply/3?query=4', body='2')
    assert (multiplied.status, multiplied.body) == (200, b'24.0')
    assert multiplied.headers['content-type'] == 'application/json'
    assert job.request('POST', '/pub/job/any/1.0/api/v1/multiply/0.5?query=2', body='3').json() == 3.0
    assert 1 <= job.get('/api/v1/random?start=1&end=2').json() <= 2
    assert 0.5 <= job.get('/api/v1/random?start=0.5').json() <= 1  # end's default
    assert job.request('POST', '/api/v1/explain', body={'x': 1, 'y': 3}).json() == {
        'x_importance': 0.25, 'y_importance': 0.75}
    item = job.get('/api/v1/items/7?verbose=yes&tags=a&tags=b%20c')
    assert item.json() == {'id': 7, 'verbose': True, 'tags': ['a', 'b c']}
    assert job.get('/api/v1/items/7').json() == {'id': 7, 'verbose': False, 'tags': []}
    assert 'configured auxiliary endpoint: /multiply/{path}' in job.logs()


def test_aux_v2_validation_errors(start_job):
    job = start_job('job.py', cwd=EXAMPLES / 'auxiliary_v2')
    job.wait_ready()
    bad_path = job.request('POST', '/api/v1/multiply/abc?query=4', body='2')
    assert bad_path.status == 422
    assert bad_path.json() == {'detail': [{'loc': ['path', 'path'], 'msg': 'value is not a valid float',
                                           'type': 'type_error.float'}]}
    missing = job.request('POST', '/api/v1/multiply/3')
    assert missing.status == 422
    assert [e['loc'] for e in missing.json()['detail']] == [['body'], ['query', 'query']]
    assert {e['type'] for e in missing.json()['detail']} == {'value_error.missing'}
    assert job.get('/api/v1/random').json()['detail'][0]['loc'] == ['query', 'start']
    bad_body = job.request('POST', '/api/v1/explain', body={'x': 'one', 'y': 1})
    assert bad_body.json()['detail'] == [{'loc': ['body', 'x'], 'msg': 'value is not a valid float',
                                          'type': 'type_error.float'}]
    assert job.get('/api/v1/items/x').json()['detail'][0]['type'] == 'type_error.integer'


def test_aux_v2_methods_errors_and_docs(start_job):
    job = start_job('job.py', cwd=EXAMPLES / 'auxiliary_v2')
    job.wait_ready()
    wrong = job.get('/api/v1/multiply/3?query=4')
    assert (wrong.status, wrong.headers['allow']) == (405, 'POST')
    failed = job.get('/api/v1/items/0')
    assert (failed.status, failed.json()) == (400, {'error': 'there is no item 0', 'type': 'ValueError'})
    assert 'there is no item 0' in job.logs()
    assert job.get('/api/v1/items').status == 404
    doc = job.get('/openapi.json').json()
    multiply = doc['paths']['/api/v1/multiply/{path}']['post']
    params = {p['name']: p['in'] for p in multiply['parameters']}
    assert params == {'query': 'query', 'path': 'path'}
    assert multiply['requestBody']['content']['application/json']['schema']['type'] == 'number'
    assert multiply['tags'] == ['items']
    random_op = doc['paths']['/api/v1/random']['get']
    assert [(p['name'], p['required']) for p in random_op['parameters']] == [('start', True), ('end', False)]
    explain = doc['paths']['/api/v1/explain']['post']['requestBody']['content']['application/json']
    assert sorted(explain['schema']['properties']) == ['x', 'y']
    json.dumps(doc)


def test_aux_v2_calls_are_job_calls_in_metrics(start_job):
    job = start_job('job.py', cwd=EXAMPLES / 'auxiliary_v2')
    job.wait_ready()
    assert job.request('POST', '/api/v1/multiply/3?query=4', body='2').status == 200
    assert job.get('/api/v1/items/0').status == 400
    metrics = job.get('/metrics').body.decode()
    assert 'endpoint_requests_started_total{endpoint="/multiply/{path}"} 1' in metrics
    assert 'endpoint_requests_started_total{endpoint="/items/{item_id}"} 1' in metrics
    assert 'request_internal_errors_total{endpoint="/multiply/{path}"}' not in metrics
    assert 'requests_done_total 2' in metrics
