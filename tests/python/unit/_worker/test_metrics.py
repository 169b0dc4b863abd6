"""The job's own gauges (spec §12.3): collect_metrics' skip rules."""
from __future__ import annotations

import pytest

from racetrack_job_wrapper._worker import metrics as worker_metrics
from racetrack_job_wrapper._worker.metrics import collect_metrics


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
