"""Log setup in the original runner's formats (spec §15): plain lines, or JSON with LOG_STRUCTURED.

Plain:      [2026-11-28 01:04:25] INFO  Server is ready, tracing_id=abc
Structured: {"time": "2026-11-28T01:04:25.568959Z", "lvl": "INFO", "msg": "Server is ready"}
Extras (cause, traceback, tracing_id, caller_name) come from ``logger.x(msg, extra={...})``.
"""
from __future__ import annotations

import json
import logging
import os
import sys
from datetime import datetime, timezone

EXTRA_FIELDS = ('cause', 'traceback', 'tracing_id', 'caller_name')
_LEVEL_TOKENS = {
    logging.DEBUG: 'DEBUG', logging.INFO: 'INFO ', logging.WARNING: 'WARN ',
    logging.ERROR: 'ERROR', logging.CRITICAL: 'CRIT ',
}
_COLORS = {
    logging.DEBUG: '\033[2;37m', logging.INFO: '\033[34m', logging.WARNING: '\033[33m',
    logging.ERROR: '\033[31m', logging.CRITICAL: '\033[1;31m',
}
_RESET = '\033[0m'
_TRUE_WORDS = frozenset({'true', 't', 'yes', 'y', '1'})


def is_env_flag(name: str, default: bool = False) -> bool:
    """Booleans in the environment are true iff they are one of true, t, yes, y, 1 (any case)."""
    value = os.environ.get(name)
    if value is None:
        return default
    return value.lower() in _TRUE_WORDS


def _format_extra_value(value: object) -> str:
    text = str(value)
    return f'"{text}"' if ' ' in text else text


class PlainFormatter(logging.Formatter):
    def __init__(self, colors: bool = False):
        super().__init__(datefmt='%Y-%m-%d %H:%M:%S')
        self.colors = colors

    def format(self, record: logging.LogRecord) -> str:
        level = _LEVEL_TOKENS.get(record.levelno, record.levelname[:5].ljust(5))
        if self.colors:
            level = f'{_COLORS.get(record.levelno, "")}{level}{_RESET}'
        parts = [f'[{self.formatTime(record, self.datefmt)}] {level} {record.getMessage()}']
        for field in EXTRA_FIELDS:
            value = getattr(record, field, None)
            if value is not None and value != '':
                parts.append(f'{field}={_format_extra_value(value)}')
        line = ', '.join(parts)
        if record.exc_info:
            line += '\n' + self.formatException(record.exc_info)
        return line


class StructuredFormatter(logging.Formatter):
    def format(self, record: logging.LogRecord) -> str:
        when = datetime.fromtimestamp(record.created, tz=timezone.utc)
        data = {
            'time': when.strftime('%Y-%m-%dT%H:%M:%S.%fZ'),
            'lvl': record.levelname,
            'msg': str(record.msg),
        }
        for field in EXTRA_FIELDS:
            value = getattr(record, field, None)
            if value is not None and value != '':
                data[field] = value
        if record.exc_info:
            data['exc_info'] = self.formatException(record.exc_info)
        if record.stack_info:
            data['stack_info'] = self.formatStack(record.stack_info)
        return json.dumps(data, ensure_ascii=False)


def make_formatter() -> logging.Formatter:
    if is_env_flag('LOG_STRUCTURED'):
        return StructuredFormatter()
    return PlainFormatter(colors=sys.stdout.isatty())


def configure_logs(log_level: str | None = None) -> None:
    """Root logger to stdout at INFO; the ``racetrack`` loggers at ``log_level`` (default LOG_LEVEL
    or debug), as the original's configure_logs."""
    level_name = (log_level or os.environ.get('LOG_LEVEL') or 'debug').upper()
    level = logging.getLevelName(level_name)
    if not isinstance(level, int):
        level = logging.DEBUG
    handler = logging.StreamHandler(sys.stdout)
    handler.setFormatter(make_formatter())
    logging.basicConfig(level=logging.INFO, handlers=[handler], force=True)
    logging.getLogger('racetrack').setLevel(level)


def get_logger(name: str) -> logging.Logger:
    """A child of the ``racetrack`` logger, so that configure_logs' level applies to it."""
    return logging.getLogger('racetrack').getChild(name)
