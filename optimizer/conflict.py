"""A small set of requirements that cannot hold together, for a week with no roster.

``find_conflict`` builds the model with a literal per requirement and asks CP-SAT which
of them cannot all hold; ``explain.conflict_sentences`` turns the answer into words.
Apart from the solve because it is a different job: a series of short feasibility
checks on a budget, not one search for the best roster.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import TypeVar

from ortools.sat.python import cp_model

from .instance import Instance
from .model import Guard, RosterModel
from .scenario import Scenario
from .solve import Need, time_limits

T = TypeVar("T")


class _Budget:
    """Time for a series of solves: wall seconds, or CP-SAT's deterministic time with one worker.

    Deterministic time (``solve.time_limits``) makes a one-worker run repeat exactly: the
    same checks decide the same way however busy the machine is.
    """

    def __init__(self, limit: float, workers: int) -> None:
        self.limit = limit
        self.workers = workers
        self.deterministic = workers == 1
        self.started = time.monotonic()
        self.used = 0.0

    def spent(self) -> float:
        """Seconds used so far, on the budget's clock."""
        return self.used if self.deterministic else time.monotonic() - self.started

    def left(self) -> float:
        """Seconds of the budget still to use."""
        return self.limit - self.spent()

    def configure(self, solver: cp_model.CpSolver, seconds: float) -> None:
        """Give ``solver`` at most ``seconds`` on the budget's clock."""
        solver.parameters.num_workers = self.workers
        for name, value in time_limits(seconds, self.workers).items():
            setattr(solver.parameters, name, value)

    def record(self, solver: cp_model.CpSolver) -> None:
        """Count a finished solve's deterministic time against the budget."""
        self.used += solver.deterministic_time


def find_conflict(scenario: Scenario, time_limit: float = 30.0, workers: int = 2) -> list[Need] | None:
    """A small set of requirements that cannot hold together, or None if none was proven.

    Every requirement (H3, H4, H5, H8, H9) gets a literal that enforces it. CP-SAT is
    first asked with all literals as assumptions; when it proves infeasibility in time,
    ``sufficient_assumptions_for_infeasibility`` gives the starting set. Assumptions
    weaken CP-SAT's presolve, though, and on capacity conflicts it often cannot decide
    in seconds; so the set is then shrunk with checks that *fix* the chosen literals to
    true and leave the others free, which keeps presolve at full strength and decides
    most checks in about the time of one ordinary solve. Shrinking is delta debugging,
    first over people (all of a patient's or clinician's requirements together), then
    over kinds of requirement (everyone's hours, everyone's days, ...), then over single
    requirements; the result is minimal when every check finished in time. Capacity
    conflicts stay large (many patients compete for a few clinicians' hours), which is
    why ``explain.conflict_sentences`` groups alike requirements.
    """
    budget = _Budget(time_limit, workers)
    built = RosterModel(Instance(scenario), mode="assume")
    guards = [g for g in built.guards if g.literal is not None]
    domains = built.model.proto.variables

    def infeasible(chosen: list[Guard], deadline: float, longest: float = 2.0) -> bool:
        left = deadline - budget.spent()
        if left <= 0:
            return False
        for guard in guards:  # a literal's domain is [low, high]: [0, 1] free, [1, 1] enforced
            domains[guard.literal.index].domain[0] = 0  # type: ignore[union-attr]
        for guard in chosen:
            domains[guard.literal.index].domain[0] = 1  # type: ignore[union-attr]
        solver = cp_model.CpSolver()
        # Infeasible subsets are usually proven fast; a check that runs long is counted as
        # "could hold" (the requirement is kept), which only makes the answer less small.
        budget.configure(solver, max(0.2, min(left, longest)))
        status = solver.solve(built.model)
        budget.record(solver)
        return status == cp_model.INFEASIBLE

    if not infeasible(guards, time_limit, longest=time_limit / 3):
        return None
    start_set = _assumption_core(built, guards, min(5.0, time_limit / 4), budget) or guards
    people: dict[tuple[str, int], list[Guard]] = {}
    for guard in start_set:
        people.setdefault((guard.requirement.kind, guard.requirement.subject), []).append(guard)
    by_people_until = budget.spent() + 0.6 * budget.left()
    groups = _shrink(
        list(people.values()), lambda parts: infeasible([g for part in parts for g in part], by_people_until)
    )
    kinds: dict[tuple[str, str], list[Guard]] = {}
    for guard in (g for part in groups for g in part):
        req = guard.requirement
        key = (req.rule, req.what) if req.kind == "patient" else (req.rule, str(req.subject))
        kinds.setdefault(key, []).append(guard)
    by_kind_until = budget.spent() + 0.5 * budget.left()
    sorts = _shrink(
        list(kinds.values()), lambda parts: infeasible([g for part in parts for g in part], by_kind_until)
    )
    end = time_limit
    chosen = _shrink(
        [[g] for part in sorts for g in part], lambda parts: infeasible([p[0] for p in parts], end)
    )
    result = []
    for [guard] in chosen:
        rule, person, what = built.describe(guard.requirement)
        result.append(Need(rule, person, what, guard.requirement.low, guard.requirement.high))
    return result


def _assumption_core(
    built: RosterModel, guards: list[Guard], seconds: float, budget: _Budget
) -> list[Guard] | None:
    """CP-SAT's own answer: its sufficient subset of assumptions, if it proves infeasibility in time.

    Solves with every literal as an assumption; the subset is often already small.
    """
    literals = [g.literal for g in guards if g.literal is not None]
    for literal in literals:  # free every literal: the assumptions alone decide which hold
        built.model.proto.variables[literal.index].domain[0] = 0
    built.model.clear_assumptions()
    built.model.add_assumptions(literals)
    solver = cp_model.CpSolver()
    budget.configure(solver, seconds)
    try:
        status = solver.solve(built.model)
        budget.record(solver)
        if status != cp_model.INFEASIBLE:
            return None
        core = set(solver.sufficient_assumptions_for_infeasibility())
    finally:
        built.model.clear_assumptions()
    return [g for g in guards if g.literal is not None and g.literal.index in core] or None


def _shrink(parts: list[T], infeasible: Callable[[list[T]], bool]) -> list[T]:
    """Delta debugging (ddmin, complements only): drop chunks while the rest stays infeasible."""
    chunks = 2
    while len(parts) >= 2:
        size = -(-len(parts) // chunks)
        for start in range(0, len(parts), size):
            rest = parts[:start] + parts[start + size :]
            if rest and infeasible(rest):
                parts = rest
                chunks = max(chunks - 1, 2)
                break
        else:
            if chunks >= len(parts):
                break
            chunks = min(len(parts), 2 * chunks)
    return parts
