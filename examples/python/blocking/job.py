import time


class BlockingJob:
    """A job whose calls block without using the CPU: each sleeps 10 ms, as a call waiting on I/O
    would. With max_concurrency 40 (the default), 40 calls overlap: at most ~4,000 calls/s."""

    def perform(self, delay_ms: float = 10.0) -> dict:
        """Sleep delay_ms milliseconds (10 by default)"""
        time.sleep(delay_ms / 1000.0)
        return {'slept_ms': delay_ms}

    def docs_input_example(self) -> dict:
        return {'delay_ms': 10.0}
