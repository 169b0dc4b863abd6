class Job:
    def perform(self)
        return 1
