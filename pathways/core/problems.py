"""What is wrong with an imported file, said so a person can find and fix it."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Problem:
    """One problem: the file, its line (1 = the header), the column, the value and why."""

    file: str
    line: int
    column: str
    value: str
    reason: str

    def __str__(self) -> str:
        where = f"{self.file}, line {self.line}" if self.line else self.file
        if self.column:
            where += f", column {self.column}"
        shown = f" {self.value!r}:" if self.value else ""
        return f"{where}:{shown} {self.reason}"


class ImportRefused(Exception):
    """Raised with every problem found; nothing was imported."""

    def __init__(self, problems: list[Problem]) -> None:
        self.problems = problems
        super().__init__(f"{len(problems)} problem(s); nothing was imported")
