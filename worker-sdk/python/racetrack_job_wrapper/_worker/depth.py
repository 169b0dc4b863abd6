"""Room for JSON as deep as the gateway accepts.

The gateway lets request bodies nest up to MAX_JSON_DEPTH levels. Parsing such a payload, handing
it to the job and rendering what the job returns recurse once per level each (json's C scanner and
encoder count against the interpreter's recursion limit, the result's conversion is plain Python
recursion), on top of the frames of the call itself; with Python's default limit of 1000 a body
990 levels deep already failed with RecursionError. The worker raises the limit once at start,
before any call runs: the limit is process-wide, so it cannot be raised per call from several
threads. Python frames do not use the C stack (3.11+), and each nesting level of the C scanner and
encoder takes a few hundred bytes of a call thread's (8 MiB) stack.
"""
from __future__ import annotations

import sys

MAX_JSON_DEPTH = 1024     # the gateway's cap on request bodies
CALL_FRAMES = 1000        # the call's own frames: threads, pipeline, the job's code
RECURSION_LIMIT = 2 * MAX_JSON_DEPTH + CALL_FRAMES


def allow_deep_json() -> None:
    """Raises the recursion limit to RECURSION_LIMIT (never lowers it)."""
    if sys.getrecursionlimit() < RECURSION_LIMIT:
        sys.setrecursionlimit(RECURSION_LIMIT)
