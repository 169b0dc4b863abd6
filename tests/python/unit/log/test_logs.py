"""Log formats (spec §15)."""
import json
import logging

from racetrack_job_wrapper.log.logs import PlainFormatter, StructuredFormatter


def record(level=logging.INFO, msg='Server is ready', args=(), **extra):
    r = logging.LogRecord('racetrack.x', level, __file__, 1, msg, args, None)
    r.__dict__.update(extra)
    return r


def test_plain_format():
    formatter = PlainFormatter()
    line = formatter.format(record())
    assert line.endswith('] INFO  Server is ready')
    assert line.startswith('[') and len(line.split(']')[0]) == len('[2026-11-28 01:04:25')
    assert formatter.format(record(logging.WARNING, 'w')).endswith('] WARN  w')
    error = formatter.format(record(logging.ERROR, 'boom', cause='ValueError', traceback='/a.py:1, /b.py:2',
                                    tracing_id='trace-123'))
    assert error.endswith(
        '] ERROR boom, cause=ValueError, traceback="/a.py:1, /b.py:2", tracing_id=trace-123')


def test_structured_format():
    data = json.loads(StructuredFormatter().format(
        record(logging.DEBUG, 'Request: %s', ('x',), tracing_id='t', caller_name='alice')))
    assert list(data) == ['time', 'lvl', 'msg', 'tracing_id', 'caller_name']
    assert data['lvl'] == 'DEBUG'
    assert data['msg'] == 'Request: %s'  # unformatted, as the original
    assert data['time'].endswith('Z')
