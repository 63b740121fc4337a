"""One error root for stsdeck; data problems carry file, line and field."""

from __future__ import annotations

from dataclasses import dataclass


class StsdeckError(Exception):
    """Root of every error stsdeck reports to the user."""


@dataclass(frozen=True, order=True)
class Problem:
    """One located problem in the input: file, line, field and what was expected."""

    file: str
    line: int
    field: str
    message: str
    severity: str = "erreur"
    acknowledged: str = ""  # the author's reason, for a warning reviewed in the data

    def __str__(self) -> str:
        where = f"{self.file}:{self.line}" if self.line else self.file
        field = f" {self.field}:" if self.field else ""
        return f"{where}:{field} {self.message}"


class DataError(StsdeckError):
    """The dataset has problems; all of them are listed."""

    def __init__(self, problems: list[Problem] | tuple[Problem, ...]):
        self.problems = tuple(sorted(problems))
        super().__init__("\n".join(str(p) for p in self.problems))

    def __reduce__(self) -> tuple[type, tuple[tuple[Problem, ...]]]:
        """Rebuilt from its problems when it comes back from a worker process."""
        return DataError, (self.problems,)


class TemplateError(StsdeckError):
    """A template lacks what the build needs, or is unreadable."""


class RenderError(StsdeckError):
    """A renderer could not produce its output."""


class OutputError(StsdeckError):
    """The output folder cannot be written."""
