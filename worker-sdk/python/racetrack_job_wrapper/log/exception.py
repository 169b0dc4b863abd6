"""One-line exception details in the original's format (spec §6.1, §15.2):
``<message>, cause=<root cause type>, traceback=<file:line, file:line, ...>``."""
from __future__ import annotations

import logging
import os
import traceback
from collections.abc import Iterable
from typing import Any


def root_cause_type(e: BaseException) -> str:
    """The type name at the end of the ``__cause__`` chain (``raise X from Y`` → Y)."""
    while e.__cause__ is not None:
        e = e.__cause__
    return type(e).__name__


def traceback_lines(e: BaseException) -> Iterable[str]:
    """``normpath(file):line`` of every frame of e, then of its __cause__ chain."""
    tb = traceback.TracebackException(type(e), e, e.__traceback__, limit=None)
    while True:
        for frame in tb.stack:
            yield f'{os.path.normpath(frame.filename)}:{frame.lineno}'
        if tb.__cause__ is None:
            break
        tb = tb.__cause__


def exception_details(e: BaseException) -> tuple[str, str, str]:
    """(message, root cause type, one-line traceback)."""
    return str(e).strip(), root_cause_type(e), ', '.join(traceback_lines(e))


def short_exception_details(e: BaseException) -> str:
    message, cause, tb = exception_details(e)
    return f'{message}, cause={cause}, traceback={tb}'


def log_exception(logger: logging.Logger, e: BaseException, prefix: str = '',
                  extra: dict[str, Any] | None = None) -> None:
    """Logs one ERROR line: ``[prefix: ]message`` with cause and traceback extras."""
    message, cause, tb = exception_details(e)
    fields = {'cause': cause, 'traceback': tb}
    if extra:
        fields.update(extra)
    logger.error(f'{prefix}: {message}' if prefix else message, extra=fields)
