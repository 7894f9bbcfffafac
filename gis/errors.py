"""Project exception types: every error says what was received, what was expected and how to fix it."""

from __future__ import annotations


class PlannerError(ValueError):
    """Base class for every error the application raises on purpose."""


class CRSError(PlannerError):
    """A coordinate reference system is missing, unknown, or wrong for the operation."""


class DataValidationError(PlannerError):
    """A dataset does not meet the schema or the invariants.

    Parameters
    ----------
    problems : list of str
        One human-readable line per problem, each naming the feature id where there is one.
    """

    def __init__(self, message: str, *, problems: list[str] | None = None) -> None:
        self.problems = list(problems or [])
        detail = "".join(f"\n  - {p}" for p in self.problems)
        super().__init__(message + detail)


class UnknownFeatureError(PlannerError):
    """A feature id that is not in the layer was asked for."""
