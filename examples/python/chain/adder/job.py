"""The called job of the chain-call example (spec §13): adds numbers, and remembers the headers
of its latest perform call so that they can be inspected at the auxiliary endpoint /last_call.

    racetrack_job_runner run job.py --port 7000
    curl -X POST localhost:7000/api/v1/perform -H 'Content-Type: application/json' -d '{"numbers": [40, 2]}'   # → 42
    curl -X POST localhost:7000/api/v1/last_call -H 'Content-Type: application/json' -d '{}'                   # the headers it saw
"""
import threading

# Headers a chain call carries (call_job sends them; Pub checks X-Racetrack-Auth, the job never does).
SHOWN_HEADERS = ('X-Racetrack-Auth', 'X-Request-Tracing-Id', 'X-Caller-Name')


class AdderJob:
    def __init__(self):
        self._lock = threading.Lock()
        self._last_call: dict = {}

    def perform(self, numbers: list[float]) -> float:
        """Adds numbers"""
        request = self.request_context.get()  # set by the runner for every call
        with self._lock:
            self._last_call = {
                'numbers': numbers,
                'headers': {name: request.headers.get(name) for name in SHOWN_HEADERS},
            }
        return sum(numbers)

    def auxiliary_endpoints(self):
        return {'/last_call': self.last_call}

    def last_call(self) -> dict:
        """The numbers and the chain-call headers of the latest perform call"""
        with self._lock:
            return dict(self._last_call)

    def docs_input_example(self) -> dict:
        return {'numbers': [40, 2]}
