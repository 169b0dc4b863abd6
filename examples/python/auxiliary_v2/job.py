"""Auxiliary endpoints (v2): GET or POST endpoints whose parameters come from the path, the query
string and the body, as FastAPI binds them in the original (spec §9.2).

    racetrack_job_runner run job.py
    curl -X POST 'localhost:7000/api/v1/multiply/3?query=4' -d '2'        # 24.0
    curl 'localhost:7000/api/v1/random?start=1&end=2'
    curl -X POST localhost:7000/api/v1/explain -H 'Content-Type: application/json' -d '{"x": 1, "y": 4}'

The markers are the SDK's; FastAPI's Body/Query/Path work the same if FastAPI is installed.
"""
import random
from http import HTTPMethod
from typing import Annotated

from racetrack_job_wrapper.endpoint_config import Body, EndpointConfig, Path, Query


class Job:
    def perform(self, x: float, y: float) -> float:
        """Adds two numbers"""
        return x + y

    def auxiliary_endpoints_v2(self) -> list[EndpointConfig]:
        return [
            EndpointConfig('/multiply/{path}', HTTPMethod.POST, self.multiply, other_options={'tags': ['items']}),
            EndpointConfig('/random', HTTPMethod.GET, self.random),
            EndpointConfig('/explain', HTTPMethod.POST, self.explain),
            EndpointConfig('/items/{item_id}', HTTPMethod.GET, self.item),
        ]

    def multiply(self, body: Annotated[float, Body(examples=[1.2])], query: Annotated[float, Query(example=2.4)],
                 path: Annotated[float, Path(example=234.21)]) -> float:
        """Multiplies a body, a query and a path parameter"""
        return body * query * path

    def random(self, start: float, end: float = 1.0) -> float:
        """Returns a random number within a range"""
        return random.uniform(start, end)

    def explain(self, x: Annotated[float, Body()], y: Annotated[float, Body()]) -> dict[str, float]:
        """Feature importance of x and y (two body parameters: a JSON object with both keys)"""
        total = x + y
        return {'x_importance': x / total, 'y_importance': y / total}

    def item(self, item_id: int, verbose: bool = False, tags: Annotated[list[str] | None, Query()] = None) -> dict:
        """An item by its id; repeated ?tags= give a list"""
        if item_id == 0:
            raise ValueError('there is no item 0')
        return {'id': item_id, 'verbose': verbose, 'tags': tags or []}
