"""A job with its own Prometheus gauges (spec §12.3): metrics() runs on every scrape of /metrics."""


class Job:
    def __init__(self):
        self.positives = 0
        self.negatives = 0

    def perform(self, number: float) -> bool:
        """Tell whether a number is not negative."""
        if number >= 0:
            self.positives += 1
        else:
            self.negatives += 1
        return number >= 0

    def docs_input_example(self) -> dict:
        return {'number': 1}

    def metrics(self) -> list[dict]:
        return [
            {'name': 'job_inputs', 'description': 'Number of inputs seen, by sign',
             'value': self.positives, 'labels': {'sign': 'positive'}},
            {'name': 'job_inputs', 'description': 'Number of inputs seen, by sign',
             'value': self.negatives, 'labels': {'sign': 'negative'}},
            {'name': 'job_zero', 'value': 0},
            {'name': 'job_unknown', 'value': None},  # skipped silently
        ]
