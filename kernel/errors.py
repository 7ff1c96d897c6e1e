"""The one root of the errors Cloud Doctor raises on purpose, and bad input with every problem listed."""

from __future__ import annotations

from dataclasses import dataclass


class CloudDoctorError(Exception):
    """Root of every error Cloud Doctor raises on purpose (configuration or bad input)."""


@dataclass(frozen=True, slots=True)
class Problem:
    """One thing wrong with an input: which file, which field, what is wrong."""

    file: str
    field: str
    message: str

    def __str__(self) -> str:
        where = f"{self.file}: {self.field}" if self.field else self.file
        return f"{where}: {self.message}"


class InputError(CloudDoctorError):
    """Bad input, with every problem found listed (so a person fixes all at once)."""

    def __init__(self, problems: list[Problem], what: str = "input") -> None:
        self.problems = problems
        lines = "\n".join(f"  - {p}" for p in problems)
        super().__init__(f"{what} has {len(problems)} problem(s):\n{lines}")
