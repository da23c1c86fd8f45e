"""One error family for bad input: every problem names a field path and a fix.

The CLI catches :class:`UserInputError`, prints each problem and exits 2 without writing anything.
"""

from __future__ import annotations

from dataclasses import dataclass

__all__ = ["Problem", "UserInputError", "SpecError", "OutputConflictError"]


@dataclass(frozen=True)
class Problem:
    """One thing wrong with the input: where (dotted field path), what, and how to fix it."""

    path: str
    message: str
    fix: str = ""

    def render(self) -> str:
        where = self.path or "(top level)"
        text = f"{where}: {self.message}"
        if self.fix:
            text += f"\n    fix: {self.fix}"
        return text


class UserInputError(Exception):
    """Input the person can correct; never a bug in the kit."""

    def __init__(self, problems: list[Problem], source: str = "") -> None:
        self.problems = list(problems)
        self.source = source
        super().__init__(self.render())

    def __reduce__(self) -> tuple[type[UserInputError], tuple[list[Problem], str]]:
        """Rebuild from the problems (the default would pass the rendered text): errors cross process pools."""
        return (type(self), (self.problems, self.source))

    def render(self) -> str:
        head = f"{self.source}: " if self.source else ""
        count = len(self.problems)
        lines = [f"{head}{count} problem{'s' if count != 1 else ''} found"]
        lines += ["  " + p.render().replace("\n", "\n  ") for p in self.problems]
        return "\n".join(lines)


class SpecError(UserInputError):
    """A DeploymentSpec (or a file meant to be one) is invalid."""


class OutputConflictError(UserInputError):
    """Writing would overwrite a person's file that has other content."""
