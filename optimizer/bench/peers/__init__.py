"""The peers a week is solved by, each a module with ``solve_week(scenario, options, emit)``.

Modules are imported by name only in the process that runs them, so that the HiGHS
peer never shares a process with ``ortools`` and no peer's imports or threads weigh on
another's measurement; this package imports neither. (An earlier OR-Tools build bundled
its own libhighs and failed to load beside highspy; ortools 9.15 and highspy 1.16 load
together, which ``solve``'s LP bound relies on and tests/test_relaxation.py exercises.)
"""

from __future__ import annotations

import importlib
from collections.abc import Callable
from dataclasses import dataclass, field

from ...roster import Roster
from ...scenario import Scenario

PEERS: dict[str, str] = {  # name -> module:function
    "cpsat": "optimizer.bench.peers.cpsat:solve_week",
    "cpsat-ref": "optimizer.bench.peers.cpsat:solve_reference_week",
    "highs": "optimizer.bench.peers.highs:solve_week",
    "greedy": "optimizer.bench.peers.greedy:solve_week",
}
# Peers whose search runs on CP-SAT workers; the others run once per week.
USES_WORKERS = frozenset({"cpsat", "cpsat-ref"})

Emit = Callable[[float | None, float | None], None]
"""Report (incumbent, bound) as the search improves; the caller stamps the time."""


@dataclass(frozen=True)
class PeerOptions:
    """What every peer is given: the same wall-clock limit for the search.

    ``parameters`` (from ``bench --cpsat-param``) go to our CP-SAT peer over its tuned
    portfolio, so a parameter set is measured against the plain peers in one run; the
    reference peer keeps CP-SAT's defaults whatever is given.
    """

    time_limit: float
    workers: int | None = None
    seed: int = 0
    parameters: dict[str, object] = field(default_factory=dict)  # CP-SAT parameters for ``cpsat`` only


@dataclass(frozen=True)
class PeerOutput:
    """What a peer found; the roster is checked by the caller, never by the peer itself."""

    status: str  # OPTIMAL, FEASIBLE, INFEASIBLE, UNKNOWN (SPEC §4), or HEURISTIC for the greedy
    roster: Roster | None
    solver_objective: float | None
    best_bound: float | None
    build_time_s: float
    lp_bound: float | None = None
    lp_time_s: float | None = None
    num_variables: int = 0
    num_constraints: int = 0


SolveWeek = Callable[[Scenario, PeerOptions, Emit], PeerOutput]


def load_peer(name: str) -> SolveWeek:
    """The solve function of a peer, importing its module only now."""
    if name not in PEERS:
        raise KeyError(f"unknown peer {name!r}; choose from {', '.join(PEERS)}")
    module_name, function = PEERS[name].split(":")
    return getattr(importlib.import_module(module_name), function)  # type: ignore[no-any-return]
