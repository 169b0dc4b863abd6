"""JobEntrypoint: an optional base class for jobs. Nothing requires it; every hook is duck-typed."""
from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Callable
from typing import Any


class JobEntrypoint(ABC):
    @abstractmethod
    def perform(self, **kwargs: Any) -> Any:
        """Call model/service main action"""
        raise NotImplementedError()

    def webview_app(self, base_url: str) -> Any:
        """Create a WSGI/ASGI app serving custom UI pages under base_url."""
        return None

    def docs_input_examples(self) -> dict[str, dict[str, Any]]:
        """Return mapping of Job's endpoints to corresponding exemplary inputs."""
        return {}

    def docs_input_example(self) -> dict[str, Any]:
        """Return example input values for perform endpoint."""
        return {}

    def auxiliary_endpoints(self) -> dict[str, Callable[..., Any]]:
        """Dict of custom endpoint paths (besides "/perform") handled by Entrypoint methods"""
        return {}

    def static_endpoints(self) -> dict[str, tuple[str, str] | str]:
        """Endpoint paths mapped to static files: a filename, or (filename, mimetype)."""
        return {}

    def metrics(self) -> list[dict[str, Any]]:
        """Current values of custom gauges: [{'name', 'value', 'description'?, 'labels'?}]."""
        return []
