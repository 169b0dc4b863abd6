"""The job's own gauges (spec §12.3): collect_metrics' skip rules, and /metrics over the real
gateway with the metrics example."""
from __future__ import annotations

import pytest
from conftest import EXAMPLES
from racetrack_job_wrapper.worker import metrics as worker_metrics
from racetrack_job_wrapper.worker.metrics import collect_metrics


class _Errors:
    def __init__(self):
        self.lines: list[str] = []

    def error(self, message: str, *args, **kwargs) -> None:
        self.lines.append(message)


@pytest.fixture
def errors(monkeypatch) -> _Errors:
    recorder = _Errors()
    monkeypatch.setattr(worker_metrics, 'logger', recorder)
    return recorder


class _Job:
    def __init__(self, items):
        self.items = items

    def metrics(self):
        if isinstance(self.items, Exception):
            raise self.items
        return self.items


def test_items_become_gauges(errors):
    reply = collect_metrics(_Job([
        {'name': 'job_positives', 'value': 5, 'description': 'Number of positive results',
         'labels': {'color': 'blue'}},
        {'name': 'job_zero', 'value': 0},
    ]))
    assert [(m.name, m.value, m.description, dict(m.labels)) for m in reply.metrics] == [
        ('job_positives', 5.0, 'Number of positive results', {'color': 'blue'}),
        ('job_zero', 0.0, '', {}),
    ]
    assert reply.error == ''
    assert errors.lines == []


def test_invalid_items_are_skipped_with_the_original_errors(errors):
    reply = collect_metrics(_Job([
        {'value': 1},
        {'name': '', 'value': 1},
        {'name': 'no_value'},
        {'name': 'none_value', 'value': None},
        {'name': 'kept', 'value': 2.5},
    ]))
    assert [m.name for m in reply.metrics] == ['kept']
    assert errors.lines == [
        '"name" field is undefined for one of the metrics',
        '"name" field is undefined for one of the metrics',
        '"value" field is undefined for no_value metric',
    ]


def test_a_failing_metrics_reports_its_error(errors):
    reply = collect_metrics(_Job(RuntimeError('boom')))
    assert list(reply.metrics) == []
    assert reply.error == 'RuntimeError: boom'


def test_jobs_without_metrics_have_none():
    assert list(collect_metrics(object()).metrics) == []
    assert list(collect_metrics(None).metrics) == []


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
