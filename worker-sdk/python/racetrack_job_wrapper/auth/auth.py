"""UnauthorizedError: a job raises it to answer 401 (spec §7.4)."""


class UnauthorizedError(RuntimeError):
    def __init__(self, cause: str, details: str = ''):
        super().__init__()
        self.cause = cause
        self.details = details

    def __str__(self) -> str:
        return self.describe(debug=True)

    def describe(self, debug: bool = False) -> str:
        if not debug or not self.details:
            return self.cause
        return f'{self.cause}: {self.details}'
