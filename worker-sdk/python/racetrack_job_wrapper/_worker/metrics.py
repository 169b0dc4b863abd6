"""The job's own gauges for the Metrics RPC: `job.metrics()` per spec §12.3.

Each item is `{'name': str, 'value': number, 'description'?: str, 'labels'?: dict}`. Items without
a name or without a `value` key are skipped with the original's ERROR lines; `value: None` is
skipped silently. An exception in `metrics()` leaves the job's gauges out of that scrape.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from racetrack_job_wrapper._worker.model import Metric
from racetrack_job_wrapper.log.logs import get_logger

logger = get_logger(__name__)


@dataclass
class Scrape:
    metrics: list[Metric] = field(default_factory=list)
    error: str = ''  # why metrics() failed; its gauges are left out


def collect_metrics(job: object | None) -> Scrape:
    scrape = Scrape()
    metrics = getattr(job, 'metrics', None) if job is not None else None
    if metrics is None:
        return scrape
    try:
        for item in metrics() or []:
            metric = _metric(item)
            if metric is not None:
                scrape.metrics.append(metric)
    except Exception as e:
        logger.error(f'metrics() failed: {e}')
        scrape.error = f'{type(e).__name__}: {e}'
    return scrape


def _metric(item: dict[str, Any]) -> Metric | None:
    name = item.get('name')
    if not name:
        logger.error('"name" field is undefined for one of the metrics')
        return None
    if 'value' not in item:
        logger.error(f'"value" field is undefined for {name} metric')
        return None
    value = item['value']
    if value is None:
        return None
    labels = {str(key): str(label) for key, label in (item.get('labels') or {}).items()}
    return Metric(str(name), float(value), str(item.get('description') or ''), labels)
