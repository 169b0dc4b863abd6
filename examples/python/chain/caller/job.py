"""The calling job of the chain-call example (spec §13): its perform asks the adder job for the
sum through Racetrack's Pub, with racetrack_job_wrapper.call.call_job, and returns the mean.

call_job sends POST $PUB_URL/job/adder/latest/api/v1/perform with X-Racetrack-Auth: $AUTH_TOKEN
and the incoming tracing id and caller name (X-Request-Tracing-Id, X-Caller-Name). It needs
JOB_NAME, PUB_URL and AUTH_TOKEN in the environment. Locally, the adder's own gateway stands in
for Pub: it accepts any /pub/job/<name>/<version> prefix (see examples/python/README.md).

    (cd ../adder && racetrack_job_runner run job.py --port 7000) &
    JOB_NAME=caller PUB_URL=http://127.0.0.1:7000/pub AUTH_TOKEN=local-token \
        racetrack_job_runner run job.py --port 7001
    curl -X POST localhost:7001/api/v1/perform -H 'Content-Type: application/json' -d '{"numbers": [1, 2, 3, 6]}'
    # → {"sum": 12, "mean": 3.0, "computed_by": "adder"}
"""
from racetrack_job_wrapper.call import call_job


class CallerJob:
    def perform(self, numbers: list[float]) -> dict:
        """Asks the adder job for the sum of the numbers and returns it with their mean"""
        total = call_job(self, 'adder', '/api/v1/perform', {'numbers': numbers})
        return {'sum': total, 'mean': total / len(numbers) if numbers else None, 'computed_by': 'adder'}

    def docs_input_example(self) -> dict:
        return {'numbers': [1, 2, 3, 6]}
