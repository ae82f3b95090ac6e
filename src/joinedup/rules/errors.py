"""The rules package's exception family (drawn in the package docstring)."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class RuleProblem:
    file: str
    rule_id: str | None
    field: str
    message: str

    def __str__(self) -> str:
        rule = f" rule {self.rule_id}" if self.rule_id else ""
        return f"{self.file}{rule}, {self.field}: {self.message}"


class RuleError(Exception):
    """Anything wrong with rules or their evaluation."""


class RuleLibraryError(RuleError):
    """Every problem found in the rule files, reported together so a lead fixes them in one go."""

    def __init__(self, problems: list[RuleProblem]) -> None:
        self.problems = problems
        lines = "\n".join(f"  - {p}" for p in problems)
        super().__init__(f"{len(problems)} problem(s) in the rule library:\n{lines}")
