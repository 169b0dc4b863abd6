from dataclasses import dataclass


@dataclass
class Helper:
    x: int


class Job:
    def perform(self):
        return Helper(1)
