class JobEntrypoint:
    def perform(self, a: float, b: float) -> float:
        """Add two numbers"""
        return a + b

    def docs_input_example(self) -> dict:
        return {'a': 40, 'b': 2}
