"""Solve, verify, and only then hand out a roster: the path every command takes.

When the week cannot be rostered, say why (``explain``) and, unless ``strict``, solve
the relaxed model for a best-effort roster whose shortfalls are declared in it.

The roster's recorded objective is the one the independent checker recomputes from
the roster itself; the solver's own value may only be higher (slack in auxiliary
variables), never lower. Any disagreement is a bug and stops the run loudly.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass, field, replace

from .changes import Change, roster_changes
from .check import CheckReport, check_roster
from .conflict import find_conflict
from .explain import Finding, conflict_sentences, prechecks, shortfall_entries
from .roster import Roster, Session
from .scenario import Patient, Problem, Scenario, ScenarioError, scenario_from_dict
from .scenario.write import scenario_document
from .solve import Need, Progress, SolveOptions, SolveResult, placements, solve


class ModelCheckerMismatchError(RuntimeError):
    """The model produced a roster the checker rejects: a bug, never silently written."""


@dataclass(frozen=True)
class Outcome:
    """A solve whose roster (if any) has passed the checker, and why the week is infeasible if it is."""

    result: SolveResult
    roster: Roster | None
    report: CheckReport | None
    findings: list[Finding] = field(default_factory=list)
    conflict: list[Need] | None = None
    explanation: list[str] = field(default_factory=list)

    @property
    def infeasible(self) -> bool:
        """The week cannot be rostered with every rule met."""
        return bool(self.findings) or self.conflict is not None or self.result.status == "INFEASIBLE"

    @property
    def best_effort(self) -> bool:
        """The roster meets every rule but the shortfalls it declares."""
        return self.roster is not None and bool(self.roster.shortfalls)


def explain_week(
    scenario: Scenario, time_limit: float = 30.0, workers: int = 2
) -> tuple[list[Finding], list[Need] | None, str]:
    """(findings, conflict, verdict): certain causes first, then the solver's conflict if needed.

    ``verdict`` is "infeasible", "feasible" (a roster was found) or "unknown" (neither a
    roster nor a proof within ``time_limit``).
    """
    findings = prechecks(scenario)
    if findings:
        return findings, None, "infeasible"
    started = time.monotonic()
    first = SolveOptions(
        time_limit=time_limit, workers=workers, parameters={"stop_after_first_solution": True}
    )
    status = solve(scenario, first).status
    if status != "INFEASIBLE":
        return [], None, "unknown" if status == "UNKNOWN" else "feasible"
    remaining = max(5.0, time_limit - (time.monotonic() - started))
    return [], find_conflict(scenario, remaining, workers), "infeasible"


def explanation_lines(scenario: Scenario, findings: list[Finding], conflict: list[Need] | None) -> list[str]:
    """Plain sentences for the findings or the conflict."""
    if findings:
        return [f"- {f.message}" for f in findings]
    if conflict:
        return conflict_sentences(scenario, conflict)
    return [
        "The solver proved the week infeasible but could not narrow the cause down within the time given."
    ]


def solve_verified(
    scenario: Scenario,
    options: SolveOptions | None = None,
    on_progress: Callable[[Progress], None] | None = None,
    on_tick: Callable[[Progress], None] | None = None,
    strict: bool = False,
    previous: Roster | None = None,
    explain: bool = True,
) -> Outcome:
    """Solve ``scenario`` and verify the roster; a best-effort roster when the week is infeasible.

    ``explain=False`` skips the conflict search for an infeasible week (callers that only
    need the verdict, such as capacity probes, would otherwise pay seconds for each).

    Time: the normal solve has the whole limit (an infeasible week is usually proven
    in seconds); naming a conflict takes at most a third of it (30 s at most); the
    best-effort solve gets what is left, at least 10 s.
    """
    options = options or SolveOptions()
    started = time.monotonic()
    findings = prechecks(scenario)
    conflict: list[Need] | None = None
    result: SolveResult | None = None
    if not findings:
        result = solve(scenario, options, on_progress, on_tick, previous=previous)
        if result.status != "INFEASIBLE":
            return _verified(scenario, options, result, [], None, [], previous)
        if explain:
            budget = min(30.0, max(5.0, options.time_limit / 3))
            conflict = find_conflict(scenario, budget, options.resolved_workers())
    explanation = explanation_lines(scenario, findings, conflict) if findings or explain else []
    if strict:
        if result is None:
            result = SolveResult("INFEASIBLE", None, None, 0.0, 0.0, {}, None)
        return Outcome(result, None, None, findings, conflict, explanation)
    # One worker: a fixed budget, so that a best-effort roster repeats exactly (deterministic time).
    elapsed = time.monotonic() - started
    left = options.time_limit if options.resolved_workers() == 1 else max(10.0, options.time_limit - elapsed)
    relaxed = solve(
        scenario, replace(options, time_limit=left), on_progress, on_tick, relax=True, previous=previous
    )
    return _verified(scenario, options, relaxed, findings, conflict, explanation, previous)


def _verified(
    scenario: Scenario,
    options: SolveOptions,
    result: SolveResult,
    findings: list[Finding],
    conflict: list[Need] | None,
    explanation: list[str],
    previous: Roster | None = None,
) -> Outcome:
    if result.roster is None:
        return Outcome(result, None, None, findings, conflict, explanation)
    entries = shortfall_entries(scenario, result.unmet, findings, conflict)
    roster = replace(result.roster, shortfalls=tuple(entries))
    report = check_roster(scenario, roster, options.weights, previous)
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
    roster = replace(roster, solver=replace(roster.solver, objective=float(report.objective)))
    return Outcome(result, roster, report, findings, conflict, explanation)


@dataclass(frozen=True)
class PlacementOption:
    """A checked placement of a new patient: their sessions, the moves of others, its cost."""

    roster: Roster
    sessions: list[Session]
    moves: list[Change]
    objective: float


def place_patient(
    scenario: Scenario, current: Roster, patient: Patient, top: int, options: SolveOptions
) -> tuple[list[PlacementOption], list[Finding]]:
    """The best few checked placements of ``patient`` into ``current`` (or why there are none)."""
    if patient.id in {p.id for p in scenario.patients}:
        raise ScenarioError([Problem("--patient", patient.id, "id", "already a patient this week")])
    week = scenario.model_copy(update={"patients": [*scenario.patients, patient]})
    week = scenario_from_dict(scenario_document(week))  # validated like any scenario
    found = []
    for option in placements(week, current, patient.id, top, options):
        report = check_roster(week, option.roster, options.weights, current)
        if not report.ok:
            lines = "\n".join(f"  {v}" for v in report.violations[:50])
            raise ModelCheckerMismatchError(f"a placement breaks {len(report.violations)} rule(s):\n{lines}")
        moves = [c for c in roster_changes(current, option.roster, week) if c.patient != patient.id]
        mine = [s for s in option.roster.sessions if patient.id in s.patients]
        found.append(PlacementOption(option.roster, mine, moves, float(report.objective)))
    found.sort(key=lambda o: (len(o.moves), o.objective))
    findings = [] if found else [f for f in prechecks(week) if patient.id in f.patients] or prechecks(week)
    return found, findings
