"""Exceptions a job raises to choose its HTTP status (spec §7.4)."""


class EntityNotFound(RuntimeError):
    """Answered with 404."""


class AlreadyExists(RuntimeError):
    """Answered with 409."""


class ValidationError(RuntimeError):
    """Answered with 400 and, unlike other errors, not logged."""
