"""EndpointConfig: one auxiliary endpoint of ``auxiliary_endpoints_v2`` (spec §9.2)."""
from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

try:
    from http import HTTPMethod
except ImportError:  # Python 3.10: the original needs 3.11; accept plain strings there
    HTTPMethod = str  # type: ignore[misc,assignment]


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
    handler: Callable
    other_options: dict[str, Any] = field(default_factory=dict)
