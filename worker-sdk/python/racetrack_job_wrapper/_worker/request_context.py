"""The current request as jobs see it through ``self.request_context.get()`` (spec §11.3).

The original stores Starlette's Request; jobs use its ``headers`` (a case-insensitive mapping),
and sometimes ``method``, ``url.path`` and ``query_params``. ``Request`` offers those, built
lazily from the call so that a job that never looks costs nothing.
"""
from __future__ import annotations

import os
from collections.abc import Iterator, Mapping, Sequence
from contextvars import ContextVar
from typing import Any, NamedTuple
from urllib.parse import parse_qsl

TRACING_HEADER_ENV = 'REQUEST_TRACING_HEADER'
CALLER_HEADER_ENV = 'CALLER_NAME_HEADER'


def tracing_header_name() -> str:
    return os.environ.get(TRACING_HEADER_ENV, 'X-Request-Tracing-Id')


def caller_header_name() -> str:
    return os.environ.get(CALLER_HEADER_ENV, 'X-Caller-Name')


class Headers(Mapping[str, str]):
    """Case-insensitive, read-only headers; the first value wins for repeated names (as Starlette)."""

    def __init__(self, raw: Sequence[tuple[str, str]] = ()):
        self.raw = [(name.lower(), value) for name, value in raw]
        self._first: dict[str, str] | None = None

    def _index(self) -> dict[str, str]:
        if self._first is None:
            first: dict[str, str] = {}
            for name, value in self.raw:
                first.setdefault(name, value)
            self._first = first
        return self._first

    def __getitem__(self, key: str) -> str:
        return self._index()[key.lower()]

    def __contains__(self, key: object) -> bool:
        return isinstance(key, str) and key.lower() in self._index()

    def __iter__(self) -> Iterator[str]:
        return iter(self._index())

    def __len__(self) -> int:
        return len(self._index())

    def get(self, key: str, default: Any = None) -> Any:
        return self._index().get(key.lower(), default)

    def getlist(self, key: str) -> list[str]:
        key = key.lower()
        return [value for name, value in self.raw if name == key]

    def __repr__(self) -> str:
        return f'Headers({self.raw!r})'


class Cancellation:
    """Set by the Calls stream when the gateway cancels a running call (its client went away, or
    its deadline passed). Reading and setting an attribute is atomic under the GIL."""

    __slots__ = ('cancelled',)

    def __init__(self) -> None:
        self.cancelled = False


# The request being served on this context: what the public ``cancellation`` module reads.
current_request: ContextVar[Request] = ContextVar('racetrack_current_request')


class URL(NamedTuple):
    path: str
    query: str

    def __str__(self) -> str:
        return f'{self.path}?{self.query}' if self.query else self.path


class Request:
    """What a job can read about the request being served."""

    __slots__ = ('method', '_cancellation', 'deadline', '_path', '_query', '_raw_headers', '_headers',
                 'path_params')

    def __init__(self, method: str, path: str, query: str, raw_headers: Sequence[tuple[str, str]],
                 path_params: dict[str, Any] | None = None, cancellation: Cancellation | None = None,
                 deadline: float | None = None):
        self.method = method
        self._cancellation = cancellation
        # time.monotonic() when the gateway stops waiting for the call (--call-timeout-ms counted
        # from the request's arrival); None: no deadline.
        self.deadline = deadline
        self._path = path
        self._query = query
        self._raw_headers = raw_headers  # (name, value) pairs
        self._headers: Headers | None = None
        self.path_params: dict[str, Any] = path_params if path_params is not None else {}

    @property
    def headers(self) -> Headers:
        if self._headers is None:
            self._headers = Headers(self._raw_headers)
        return self._headers

    @property
    def url(self) -> URL:
        return URL(self._path, self._query)

    @property
    def query_params(self) -> dict[str, str]:
        return dict(parse_qsl(self._query, keep_blank_values=True))

    @property
    def client(self) -> None:
        return None  # the gateway does not pass the peer address

    def cancelled(self) -> bool:
        """True once the gateway has cancelled the call: its answer is no longer awaited, and
        returning early frees its concurrency slot (the gateway holds it until the call ends)."""
        return self._cancellation is not None and self._cancellation.cancelled


def install_context_vars(entrypoint: object) -> tuple[ContextVar[Request], ContextVar[dict[str, Any]]]:
    """Sets ``request_context`` and ``request_extra`` on the job instance, as the original."""
    request_context: ContextVar[Request] = ContextVar('request_context')
    request_extra: ContextVar[dict[str, Any]] = ContextVar('request_extra')
    setattr(entrypoint, 'request_context', request_context)  # noqa: B010 - any job class
    setattr(entrypoint, 'request_extra', request_extra)  # noqa: B010
    return request_context, request_extra
