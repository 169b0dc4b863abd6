"""EndpointConfig: one auxiliary endpoint of ``auxiliary_endpoints_v2`` (spec §9.2)."""
from __future__ import annotations

import sys
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

if sys.version_info >= (3, 11):
    from http import HTTPMethod
else:  # Python 3.10: the original needs 3.11; accept plain strings there
    HTTPMethod = str


@dataclass
class EndpointConfig:
    """Definition of a single HTTP endpoint.

    Attributes:
        path: HTTP path at which the endpoint is registered (under /api/v1).
        method: HTTP verb: GET or POST.
        handler: Callable invoked when the endpoint is hit.
        other_options: Additional route options (FastAPI's in the original; kept for compatibility).
    """

    path: str
    method: HTTPMethod
    handler: Callable[..., Any]
    other_options: dict[str, Any] = field(default_factory=dict)


class _Param:
    """Where an aux v2 handler parameter comes from, as FastAPI's markers of the same names (which
    work too when FastAPI is installed): a default value (``x: float = Query(1.0)``) or
    ``Annotated[float, Query()]``. With no default the parameter is required."""

    def __init__(self, default: Any = ..., *, alias: str | None = None, description: str | None = None,
                 example: Any = None, examples: list[Any] | None = None, title: str | None = None):
        self.default = default
        self.alias = alias
        self.description = description
        self.example = example
        self.examples = examples
        self.title = title


class Body(_Param):
    """From the JSON body: the whole body, or its key ``name`` when ``embed=True`` or when the
    handler has several body parameters."""

    def __init__(self, default: Any = ..., *, embed: bool = False, **kwargs: Any):
        super().__init__(default, **kwargs)
        self.embed = embed


class Query(_Param):
    """From the query string (repeated keys for a list)."""


class Path(_Param):
    """From a ``{name}`` segment of the endpoint's path."""


class Header(_Param):
    """From a request header (``x_token`` reads ``x-token``)."""
