import module_that_does_not_exist  # noqa: F401


class Job:
    def perform(self):
        return 1
