"""Our CP-SAT model, run exactly as ``iop-roster solve`` runs it, on a wall-clock limit.

``solve_reference_week`` is the reference peer ``cpsat-ref``: the first formulation,
with appointments on their grid slots and without the valid inequalities of
strengthen.py, on CP-SAT's own parameters, so that what the performance work buys is
measured in the same run (nor the LP relaxation's bound that ``solve`` computes beside
CP-SAT, nor its first phase on home blocks).
"""

from __future__ import annotations

from ...scenario import Scenario
from ...solve import Progress, SolveOptions, solve
from . import Emit, PeerOptions, PeerOutput

PLAIN: dict[str, object] = {
    "improvements": (),
    "tuned": False,
    "lp_bound": False,
    "restrict_from": None,
    "brief_phase": None,
    "appointments_by_block": False,
}
"""The ``SolveOptions`` that make ``solve`` the first formulation."""


def solve_week(scenario: Scenario, options: PeerOptions, emit: Emit) -> PeerOutput:
    """The product's solve: strengthened model, tuned portfolio."""
    return _solve(scenario, options, emit, reference=False)


def solve_reference_week(scenario: Scenario, options: PeerOptions, emit: Emit) -> PeerOutput:
    """The plain formulation on CP-SAT's defaults."""
    return _solve(scenario, options, emit, reference=True)


def _solve(scenario: Scenario, options: PeerOptions, emit: Emit, reference: bool) -> PeerOutput:
    """Build and solve the CP-SAT model, reporting every new roster and bound.

    ``solve`` counts a one-worker limit in deterministic time (for reproducible rosters);
    here every peer gets the same wall-clock limit, so that setting is undone.
    """

    def progress(p: Progress) -> None:
        emit(p.objective, p.bound)

    wall_clock = {"max_time_in_seconds": float(options.time_limit), "max_deterministic_time": float("inf")}
    solve_options = SolveOptions(
        time_limit=options.time_limit,
        workers=options.workers or 0,
        seed=options.seed,
        parameters=wall_clock if reference else {**wall_clock, **options.parameters},
        **(PLAIN if reference else {}),
    )
    result = solve(scenario, solve_options, on_progress=progress)
    emit(result.objective, result.best_bound)  # the final proof is not always a callback
    return PeerOutput(
        status=result.status,
        roster=result.roster,
        solver_objective=result.objective,
        best_bound=result.best_bound,
        build_time_s=result.build_time_s,
        num_variables=result.num_variables,
        num_constraints=result.num_constraints,
    )
