from typing import List  # noqa: UP035 - the seed's adder; /parameters reports "List"


class AdderModel:
    def perform(self, numbers: List[float], radix: int = 10) -> float:  # noqa: UP006
        """
        Add numbers.
        :param numbers: Numbers to add.
        :param radix: Base of the numbers (kept for compatibility; the sum is returned as is).
        :return: Sum of the numbers.
        """
        return sum(numbers)

    def docs_input_example(self) -> dict:
        """Return example input values for this model"""
        return {
            'numbers': [40, 2],
            'radix': 10,
        }
