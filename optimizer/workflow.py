"""Solve, verify, and only then hand out a roster: the path every command takes.

The roster's recorded objective is the one the independent checker recomputes from
the roster itself; the solver's own value may only be higher (slack in auxiliary
variables), never lower. Any disagreement is a bug and stops the run loudly.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, replace

from .check import CheckReport, check_roster
from .roster import Roster
from .scenario import Scenario
from .solve import Progress, SolveOptions, SolveResult, solve


class ModelCheckerMismatchError(RuntimeError):
    """The model produced a roster the checker rejects: a bug, never silently written."""


@dataclass(frozen=True)
class Outcome:
    """A solve whose roster (if any) has passed the checker."""

    result: SolveResult
    roster: Roster | None
    report: CheckReport | None


def solve_verified(
    scenario: Scenario,
    options: SolveOptions | None = None,
    on_progress: Callable[[Progress], None] | None = None,
    on_tick: Callable[[Progress], None] | None = None,
) -> Outcome:
    """Solve ``scenario`` and verify the roster; raise ``ModelCheckerMismatchError`` if it fails."""
    options = options or SolveOptions()
    result = solve(scenario, options, on_progress, on_tick)
    if result.roster is None:
        return Outcome(result, None, None)
    report = check_roster(scenario, result.roster, options.weights)
    if not report.ok:
        lines = "\n".join(f"  {v}" for v in report.violations[:50])
        raise ModelCheckerMismatchError(
            f"the model's roster breaks {len(report.violations)} rule(s); nothing was written:\n{lines}"
        )
    if result.objective is not None and report.objective > result.objective + 1e-6:
        raise ModelCheckerMismatchError(
            f"the checker prices the roster at {report.objective}, above the solver's {result.objective}: "
            f"terms {report.terms} vs {result.terms}"
        )
    roster = replace(result.roster, solver=replace(result.roster.solver, objective=float(report.objective)))
    return Outcome(result, roster, report)
