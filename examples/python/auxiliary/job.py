"""Auxiliary endpoints (v1): extra POST endpoints beside perform, called like perform.

    racetrack_job_runner run job.py
    curl -X POST localhost:7000/api/v1/explain -H 'Content-Type: application/json' -d '{"x": 6, "y": 7}'
"""
import random


class JobEntrypoint:
    def perform(self, x: float, y: float) -> float:
        """Multiplies two numbers"""
        return x * y

    def auxiliary_endpoints(self):
        return {
            '/explain': self.explain,
            'random': self.random,
        }

    def explain(self, x: float, y: float) -> dict[str, float]:
        """Tells what each factor contributes"""
        product = x * y
        return {'x_importance': x / product if product else 0.0, 'y_importance': y / product if product else 0.0}

    def random(self, start: float = 0, end: float = 1) -> float:
        """Picks a random number from a range"""
        return random.uniform(start, end)

    def docs_input_examples(self) -> dict:
        return {
            '/perform': {'x': 20, 'y': 5},
            '/explain': {'x': 1, 'y': 4},
            'random': {'start': 5, 'end': 10},
        }
