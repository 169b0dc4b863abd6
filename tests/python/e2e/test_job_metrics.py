"""End to end: the job's own gauges (spec §12.3) on the gateway's /metrics."""
from __future__ import annotations

from conftest import EXAMPLES


def test_metrics_over_the_gateway(start_job):
    job = start_job('job.py', cwd=EXAMPLES / 'metrics')
    job.wait_ready()
    assert job.perform({'number': -2}).json() is False
    response = job.get('/metrics')
    assert response.status == 200
    assert response.headers['content-type'] == 'text/plain; version=0.0.4; charset=utf-8'
    text = response.body.decode()
    assert '# TYPE requests_started_total counter\n' in text
    assert 'endpoint_requests_started_total{endpoint="/perform"} 1\n' in text
    assert '# HELP job_inputs Number of inputs seen, by sign\n# TYPE job_inputs gauge\n' in text
    assert 'job_inputs{sign="negative"} 1\n' in text
    assert 'job_inputs{sign="positive"} 0\n' in text
    assert 'job_zero 0\n' in text
    assert 'job_unknown' not in text
    assert job.request('POST', '/metrics/anything').status == 200
