import math


class CpuBoundJob:
    """The prime checker, plus about 2 ms of pure-Python work per call: a job whose calls are
    CPU bound, so one interpreter (the GIL) caps it at one core; `--workers 2` runs two."""

    def perform(self, number: int) -> bool:
        """Check if a number is prime (after some busy work)"""
        burn = 0
        for i in range(45_000):
            burn += i * i % 7
        if number < 2:
            return False
        return all(number % d for d in range(2, math.isqrt(number) + 1))

    def docs_input_example(self) -> dict:
        return {'number': 7907}
