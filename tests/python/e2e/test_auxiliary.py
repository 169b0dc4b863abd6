"""End to end: auxiliary endpoints v1 (spec §9.1) through the real gateway and a Python worker."""
from __future__ import annotations

from conftest import EXAMPLES


def test_aux_v1_endpoints_are_called_like_perform(start_job):
    job = start_job('job.py', cwd=EXAMPLES / 'auxiliary')
    job.wait_ready()
    assert job.perform({'x': 6, 'y': 7}).json() == 42
    explain = job.request('POST', '/api/v1/explain', body={'x': 1, 'y': 4})
    assert explain.status == 200
    assert explain.json() == {'x_importance': 0.25, 'y_importance': 1.0}
    # Prefixed, and the key without a leading slash is normalized.
    value = job.request('POST', '/pub/job/any/1.0/api/v1/random', body={'start': 2, 'end': 3}).json()
    assert 2 <= value <= 3
    # Empty and null bodies use the endpoint's own docs input example.
    assert 5 <= job.request('POST', '/api/v1/random').json() <= 10
    assert job.request('POST', '/api/v1/explain', body='null').json() == {'x_importance': 0.25,
                                                                           'y_importance': 1.0}
    assert 'configured auxiliary endpoint: /explain' in job.logs()


def test_aux_v1_errors_as_perform(start_job):
    job = start_job('job.py', cwd=EXAMPLES / 'auxiliary')
    job.wait_ready()
    wrong_method = job.get('/api/v1/explain')
    assert (wrong_method.status, wrong_method.headers['allow']) == (405, 'POST')
    assert wrong_method.json() == {'detail': 'Method Not Allowed'}
    not_object = job.request('POST', '/api/v1/explain', body='[1]',
                             headers={'Content-Type': 'application/json'})
    assert not_object.status == 422
    assert not_object.json()['detail'][0]['type'] == 'dict_type'
    bad_args = job.request('POST', '/api/v1/explain', body={'z': 1})
    assert bad_args.status == 400
    assert bad_args.json()['type'] == 'ValueError'
    assert "unexpected keyword argument 'z'" in bad_args.json()['error']
    assert job.request('POST', '/api/v1/nothing', body={}).status == 404
