"""Input problems, reported together with the file, item, field and expectation."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal


@dataclass(frozen=True)
class Problem:
    """One thing wrong with the input, located as precisely as we can."""

    file: str
    item: str | None
    field: str | None
    message: str
    severity: Literal["error", "warning"] = "error"

    def __str__(self) -> str:
        where = [self.file] if self.severity == "error" else [f"warning: {self.file}"]
        if self.item:
            where.append(self.item)
        if self.field:
            where.append(f"field '{self.field}'")
        return ": ".join([*where, self.message])


class ScenarioError(Exception):
    """The scenario (or a roster given with it) cannot be used; lists every problem found."""

    def __init__(self, problems: list[Problem]) -> None:
        self.problems = problems
        super().__init__("\n".join(str(p) for p in problems))


def one_of(options: object, limit: int = 12) -> str:
    """'expected one of a, b, c' with long lists cut short."""
    names = [str(o) for o in options]
    if not names:
        return "but none are defined"
    shown = ", ".join(names[:limit])
    more = f" (and {len(names) - limit} more)" if len(names) > limit else ""
    return f"expected one of {shown}{more}"
