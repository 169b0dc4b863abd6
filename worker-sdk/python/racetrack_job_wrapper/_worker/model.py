"""The worker's own view of calls, requests and answers: plain data, no protobuf.

The gRPC side (wire.py) translates the contract's messages into these and back, so that the code
that runs the job, binds its parameters and renders its results never sees a transport type.
"""
from __future__ import annotations

import enum
from collections.abc import Sequence
from dataclasses import dataclass, field

Headers = Sequence[tuple[str, str]]  # (lower-case name, value) pairs in arrival order


class SharedError(enum.Enum):
    """Errors the gateway and both SDKs produce alike; their type strings are defined once, in the
    worker contract (proto ErrorType), and spelled out only where a reply is encoded."""
    JOB_NOT_READY = enum.auto()
    WORKER_UNAVAILABLE = enum.auto()
    TIMEOUT = enum.auto()


@dataclass(frozen=True, slots=True)
class Failure:
    """A call that did not produce a result: HTTP status, error type and message (spec §7.4)."""
    http_status: int
    type: str | SharedError
    message: str
    logged: bool = True  # whether the original logs it at ERROR


@dataclass(slots=True)
class Outcome:
    """What one call produced: the result as JSON text, or a failure."""
    result_json: str = ''
    failure: Failure | None = None

    @staticmethod
    def failed(status: int, kind: str | SharedError, message: str) -> Outcome:
        return Outcome(failure=Failure(status, kind, message))


@dataclass(slots=True)
class Call:
    """A JSON call (perform, auxiliary v1) from the Calls stream."""
    id: int
    endpoint: str            # relative to /api/v1, e.g. /perform
    payload_json: str = ''   # the request body; '' means {}
    method: str = 'POST'
    query: str = ''
    headers: Headers = ()
    timeout_ms: int = 0      # 0: none


@dataclass(slots=True)
class HttpRequest:
    """An HTTP-shaped call (static file, auxiliary v2, webview) from the Http RPC."""
    endpoint: str = ''       # the described endpoint it was routed to
    method: str = 'GET'
    path: str = ''           # below the job's prefix, e.g. /api/v1/webview/x
    query: str = ''
    headers: Headers = ()
    body: bytes = b''
    root_path: str = ''      # the prefix the request came with

    def header(self, name: str) -> str | None:
        """The first value of a header (name in lower case)."""
        for key, value in self.headers:
            if key == name:
                return value
        return None


@dataclass
class HttpResponse:
    status: int
    body: bytes = b''
    headers: list[tuple[str, str]] = field(default_factory=list)


@dataclass(frozen=True)
class Metric:
    """One gauge of ``job.metrics()``."""
    name: str
    value: float
    description: str = ''
    labels: dict[str, str] = field(default_factory=dict)
