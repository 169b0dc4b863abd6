"""The job's own gauges for the Metrics RPC: `job.metrics()` per spec §12.3.

Each item is `{'name': str, 'value': number, 'description'?: str, 'labels'?: dict}`. Items without
a name or without a `value` key are skipped with the original's ERROR lines; `value: None` is
skipped silently. An exception in `metrics()` leaves the job's gauges out of that scrape.
"""
from __future__ import annotations

from typing import Any

from racetrack_job_wrapper._proto import worker_pb2 as pb
from racetrack_job_wrapper.log.logs import get_logger

logger = get_logger(__name__)


def collect_metrics(job: object | None) -> pb.MetricsReply:
    reply = pb.MetricsReply()
    if job is None or not hasattr(job, 'metrics'):
        return reply
    try:
        items = job.metrics()
        for item in items or []:
            _add(reply, item)
    except Exception as e:
        logger.error(f'metrics() failed: {e}')
        reply.error = f'{type(e).__name__}: {e}'
    return reply


def _add(reply: pb.MetricsReply, item: dict[str, Any]) -> None:
    name = item.get('name')
    if not name:
        logger.error('"name" field is undefined for one of the metrics')
        return
    if 'value' not in item:
        logger.error(f'"value" field is undefined for {name} metric')
        return
    value = item['value']
    if value is None:
        return
    metric = reply.metrics.add(name=str(name), value=float(value),
                               description=str(item.get('description') or ''))
    for key, label in (item.get('labels') or {}).items():
        metric.labels[str(key)] = str(label)
