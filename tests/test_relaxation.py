"""HiGHS on the model's relaxation (relaxation.py): LP bounds exact and below optima; MIP rosters checked."""

from __future__ import annotations

import itertools
import threading
import time
from types import SimpleNamespace

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from ortools.sat.python import cp_model

from optimizer import relaxation
from optimizer import solve as solve_module
from optimizer.check import check_roster
from optimizer.instance import Instance
from optimizer.model import HARD_RULES, RosterModel
from optimizer.relaxation import BoundSolver, Relaxation, linearize
from optimizer.scenario import load_scenario, scenario_from_dict
from optimizer.solve import LP_LEAVES_OUT, SolveOptions, _checked, solve
from tests.factories import SCENARIOS, make_patient, tiny_document


def _solved(path: str = "lighthouse-small.yaml", seconds: float = 5.0) -> tuple[RosterModel, np.ndarray]:
    """A built model and the values of one of its rosters."""
    built = RosterModel(Instance(load_scenario(SCENARIOS / path)))
    solver = cp_model.CpSolver()
    solver.parameters.max_time_in_seconds = seconds
    solver.parameters.num_workers = 2
    assert solver.solve(built.model) in (cp_model.OPTIMAL, cp_model.FEASIBLE)
    count = len(built.model.proto.variables)
    values = np.array([solver.value(built.model.get_int_var_from_proto_index(i)) for i in range(count)])
    return built, values


def _rows_hold(r: Relaxation, x: np.ndarray) -> bool:
    activity = np.add.reduceat(r.value * x[r.index], r.starts[:-1]) if len(r.index) else np.zeros(0)
    empty = np.diff(r.starts) == 0
    activity = np.where(empty, 0.0, activity)
    return bool(np.all(activity >= r.row_lower - 1e-9) and np.all(activity <= r.row_upper + 1e-9))


@pytest.fixture(scope="module")
def solved() -> tuple[RosterModel, np.ndarray, Relaxation]:
    built, values = _solved()
    return built, values, linearize(built.model)


def test_a_roster_satisfies_every_row_and_costs_its_objective(solved) -> None:
    """The linearization is exact on integer points: a CP-SAT roster is feasible and priced the same."""
    built, values, r = solved
    assert _rows_hold(r, values)
    assert np.all(values >= r.lower) and np.all(values <= r.upper)
    objective = built.model.proto.objective
    pairs = zip(objective.vars, objective.coeffs, strict=True)
    expected = sum(c * values[v] for v, c in pairs) + objective.offset
    assert float(np.dot(r.cost, values) + r.offset) == pytest.approx(expected)


@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(seed=st.integers(0, 2**32 - 1), scale=st.floats(0.01, 100.0))
def test_any_multipliers_give_a_bound_below_a_roster(solved, seed: int, scale: float) -> None:
    """Weak duality: whatever the row multipliers, the bound is at most a feasible roster's cost."""
    _, values, r = solved
    y = np.random.default_rng(seed).normal(0.0, scale, r.num_rows)
    assert r.dual_bound(y) <= float(np.dot(r.cost, values) + r.offset) + 1e-6


def test_the_interior_point_bound_is_tight_and_below_the_roster(solved) -> None:
    """HiGHS's duals give the LP optimum, which no roster beats; an integral objective rounds it up."""
    _, values, r = solved
    bound = BoundSolver().lower_bound(r, 30)
    assert bound is not None and bound == int(bound)
    assert 0 < bound <= float(np.dot(r.cost, values) + r.offset)


def test_enforced_constraints_are_relaxed_by_big_m() -> None:
    """x >= 5 only if b: the relaxation keeps x >= 5b, so the bound is the hand-computed 5."""
    model = cp_model.CpModel()
    x = model.new_int_var(0, 10, "x")
    b = model.new_bool_var("b")
    model.add(x >= 5).only_enforce_if(b)
    model.add_bool_or([b])  # b must hold
    model.minimize(x + 3 * b.negated())
    assert BoundSolver().lower_bound(linearize(model), 10) == 5


def test_a_bound_never_exceeds_the_proven_optimum_of_a_tiny_week() -> None:
    """On a week CP-SAT proves optimal, the LP bound is at most that optimum."""
    document = tiny_document(
        patients=[make_patient(f"P{i}") for i in range(5)],
        objective={"block_consistency": 5, "continuity": 2, "sessions": 10, "load_balance": 1,
                   "preferences": 1, "stability": 3},
    )  # fmt: skip
    scenario = scenario_from_dict(document)
    result = solve(scenario, SolveOptions(time_limit=20, workers=2, lp_bound=False))
    assert result.status == "OPTIMAL"
    bound = BoundSolver().lower_bound(linearize(RosterModel(Instance(scenario)).model), 10)
    assert bound is not None and bound <= result.objective


def test_rules_left_out_relax_the_lp_and_its_bound_stays_below_the_roster(solved) -> None:
    """Without LP_LEAVES_OUT's rules: fewer rows, the roster still feasible, the bound lower or equal."""
    built, values, full = solved
    spans = [built.rule_rows[rule] for rule in LP_LEAVES_OUT]
    assert all(len(span) > 0 for span in spans)
    lighter = linearize(built.model, spans)
    assert lighter.num_rows < full.num_rows
    assert _rows_hold(lighter, values)
    full_bound = BoundSolver().lower_bound(full, 30)
    bound = BoundSolver().lower_bound(lighter, 30)
    assert bound is not None and full_bound is not None
    assert 0 < bound <= full_bound <= float(np.dot(full.cost, values) + full.offset)


def test_each_rule_s_rows_are_its_own_and_in_order() -> None:
    """rule_rows: one range per hard rule, consecutive, none overlapping, all inside the model."""
    built = RosterModel(Instance(load_scenario(SCENARIOS / "lighthouse-small.yaml")))
    spans = list(built.rule_rows.values())
    assert list(built.rule_rows) == [name for name, _ in HARD_RULES]
    assert all(a.stop == b.start for a, b in itertools.pairwise(spans))
    assert spans[-1].stop <= len(built.model.proto.constraints)


@pytest.mark.parametrize(
    ("mip_below", "root_cuts", "early_root", "left_out"),
    [
        (None, None, None, True),
        (None, range(1, 100), None, True),
        (None, None, range(1, 100), False),
        (1_000, None, None, False),
    ],
)
def test_the_lp_leaves_rules_out_and_the_mip_keeps_them(
    monkeypatch: pytest.MonkeyPatch,
    mip_below: int | None,
    root_cuts: range | None,
    early_root: range | None,
    left_out: bool,
) -> None:
    """The bound thread's LP and root go without LP_LEAVES_OUT's rows; the MIP and the early root keep all."""
    seen: list[list[range]] = []
    original = relaxation.linearize

    def spy(model, leave_out=()):
        seen.append(list(leave_out))
        return original(model, leave_out)

    monkeypatch.setattr(solve_module, "linearize", spy)
    scenario = load_scenario(SCENARIOS / "lighthouse-small.yaml")
    options = SolveOptions(
        time_limit=3, workers=2, mip_below=mip_below, root_cuts=root_cuts, early_root=early_root
    )
    solve(scenario, options)
    assert len(seen) == 1
    assert bool(seen[0]) is left_out


def test_cancel_stops_the_solve_and_gives_no_bound(solved) -> None:
    """A cancelled bound solver answers None at once instead of solving."""
    _, _, r = solved
    solver = BoundSolver()
    solver.cancel()
    assert solver.lower_bound(r, 30) is None


def test_a_bound_meeting_the_incumbent_stops_the_search(monkeypatch: pytest.MonkeyPatch) -> None:
    """When the LP side proves the incumbent optimal, solve stops early and says OPTIMAL.

    The bound is faked (absurdly high) to test the mechanism on a week CP-SAT cannot prove.
    """
    monkeypatch.setattr(relaxation.BoundSolver, "lower_bound", lambda self, r, limit: 10_000.0)
    started = time.monotonic()
    options = SolveOptions(  # the LP alone
        time_limit=60, workers=2, mip_below=None, root_cuts=None, early_root=None
    )
    result = solve(load_scenario(SCENARIOS / "lighthouse-small.yaml"), options)
    assert time.monotonic() - started < 30
    assert result.status == "OPTIMAL"
    assert result.best_bound == 10_000.0


def test_without_the_lp_bound_only_cp_sat_bounds(monkeypatch: pytest.MonkeyPatch) -> None:
    """lp_bound=False leaves HiGHS out (the cpsat-ref peer's setting)."""
    monkeypatch.setattr(relaxation.BoundSolver, "lower_bound", lambda self, r, limit: 10_000.0)
    scenario = load_scenario(SCENARIOS / "lighthouse-small.yaml")
    result = solve(scenario, SolveOptions(time_limit=2, workers=2, lp_bound=False))
    assert result.best_bound is not None and result.best_bound < 10_000.0


def test_a_solve_returns_only_once_highs_has_stopped(monkeypatch: pytest.MonkeyPatch) -> None:
    """HiGHS slow to take its cancellation: solve waits for it rather than leave it running.

    A process that exits while HiGHS still runs in the bound thread is aborted by the C++
    runtime; the fake ignores the cancel for two seconds, past what the wait once was.
    """
    left = threading.Event()

    def slow(self, relaxation, limit, on_bound, on_solution, *cutoff) -> None:
        time.sleep(2.5)
        left.set()

    monkeypatch.setattr(relaxation.BoundSolver, "branch_and_bound", slow)
    scenario = load_scenario(SCENARIOS / "lighthouse-small.yaml")
    result = solve(scenario, SolveOptions(time_limit=0.5, workers=2))
    assert left.is_set()
    assert result.roster is not None


def test_the_mip_proves_a_small_week_optimal() -> None:
    """Below MIP_BELOW patients HiGHS's branch and bound runs beside CP-SAT and closes the gap.

    CP-SAT alone leaves lighthouse-small unproven after 60 s (bound 140-143 against 146);
    HiGHS proves it in seconds.
    """
    scenario = load_scenario(SCENARIOS / "lighthouse-small.yaml")
    result = solve(scenario, SolveOptions(time_limit=60, workers=2))
    assert result.status == "OPTIMAL"
    assert result.best_bound == result.objective


def test_the_mip_reports_each_round_of_root_cuts(solved) -> None:
    """HiGHS's bound reaches the solve as its root cuts raise it, each whole number once.

    HiGHS logs a line only when its search moves on; on lighthouse-small its log carried
    two bounds (the root LP's and the proof's) where the rounds of cuts between them
    raised it through eight whole numbers, the last of them, the optimum, a second
    before the log's.
    """
    _, values, r = solved
    bounds: list[float] = []
    BoundSolver().branch_and_bound(r, 60.0, bounds.append, lambda objective, x: None)
    assert bounds == sorted(set(bounds))  # rising, each once
    assert all(b == int(b) for b in bounds)  # rounded up: the objective is integral
    assert bounds[-1] == 146  # the week's optimum (test_the_mip_proves_a_small_week_optimal)
    assert bounds[-1] <= np.dot(r.cost, values) + r.offset
    assert len(bounds) >= 4


def test_the_mip_below_a_roster_proves_it_or_finds_a_better_one(solved) -> None:
    """``better_than``: nothing below the optimum (146) proves it; below 147 the MIP finds 146.

    Every bound stays at or under the roster it was told, and a ``stop`` that says so at
    once ends the MIP, which says it was stopped.
    """
    _, _, r = solved
    bounds: list[float] = []
    found: list[float] = []
    stopped = BoundSolver().branch_and_bound(r, 60.0, bounds.append, lambda o, x: found.append(o), 146.0)
    assert not stopped and bounds[-1] == 146 and not found
    assert all(b <= 146 for b in bounds)
    bounds.clear()
    stopped = BoundSolver().branch_and_bound(r, 60.0, bounds.append, lambda o, x: found.append(o), 147.0)
    assert not stopped and bounds[-1] == 146 and min(found) == pytest.approx(146)
    assert BoundSolver().branch_and_bound(r, 60.0, bounds.append, lambda o, x: None, 147.0, lambda: True)


@pytest.mark.parametrize(
    ("objective", "bound", "ends"),
    [(199.0, 198.0, True), (199.0, 197.0, False), (200.0, 199.0, False), (None, None, False)],
)
def test_a_mip_round_ends_for_a_better_roster_one_step_from_the_bound(
    monkeypatch: pytest.MonkeyPatch, objective: float | None, bound: float | None, ends: bool
) -> None:
    """The round below 200 ends for a settled roster of 199 with the bound at 198, not farther, not worse."""
    monkeypatch.setattr(solve_module, "ROUND_S", 0.0)
    monkeypatch.setattr(solve_module, "SETTLED_S", 0.0)
    watcher = SimpleNamespace(objective=objective, improved=time.monotonic(), bound=bound)
    stop = solve_module._BoundThread._settled_below(SimpleNamespace(watcher=watcher), 200.0)
    assert stop() is ends


@pytest.mark.parametrize(
    ("integral", "calls"), [(True, [(200.0, True), (199.0, True)]), (False, [(None, False)])]
)
def test_mip_rounds_start_below_the_roster_only_for_an_integral_objective(
    integral: bool, calls: list[tuple[float | None, bool]]
) -> None:
    """Each round below the roster known when it starts; without whole steps, one MIP with no row or stop."""
    seen: list[tuple[float | None, bool]] = []
    watcher = SimpleNamespace(objective=200.0)

    def branch_and_bound(relaxation, left, on_bound, on_solution, better_than=None, stop=None) -> bool:
        seen.append((better_than, stop is not None))
        watcher.objective = 199.0  # the search found better while this round ran
        return len(seen) == 1  # the first round stopped by its ``stop``, the second ended on its own

    thread = SimpleNamespace(
        solver=SimpleNamespace(cancelled=False, branch_and_bound=branch_and_bound),
        watcher=watcher,
        time_limit=60.0,
        _on_bound=None,
        _on_solution=None,
        _settled_below=lambda incumbent: lambda: False,
    )
    solve_module._BoundThread._rounds(thread, SimpleNamespace(integral_objective=integral), time.monotonic())
    assert seen == [(b, bool(stop)) for b, stop in calls]


def test_the_root_s_cuts_raise_the_lp_bound_and_stay_below_the_roster(solved) -> None:
    """``root_bound``: the root alone, each rise once, from the LP's bound to a roster's at most."""
    _, values, r = solved
    bounds: list[float] = []
    BoundSolver().root_bound(r, 60.0, bounds.append)
    lp = BoundSolver().lower_bound(r, 30)
    assert lp is not None and bounds
    assert bounds == sorted(set(bounds)) and all(b == int(b) for b in bounds)
    assert lp <= bounds[-1] <= np.dot(r.cost, values) + r.offset
    assert bounds[-1] > lp  # on lighthouse-small the cuts find more than the LP knows (141 -> 146)


@pytest.mark.parametrize(
    ("patients", "early", "kind"),
    [
        (range(1, 100), None, "root"),
        (None, range(1, 100), "early-root"),
        (range(1, 100), range(1, 100), "early-root"),
        (range(100, 500), range(100, 200), "lp"),
        (None, None, "lp"),
    ],
)
def test_middle_sized_weeks_bound_by_the_root_and_its_cuts(
    monkeypatch: pytest.MonkeyPatch, patients: range | None, early: range | None, kind: str
) -> None:
    """For ROOT_CUTS patient counts the thread runs ``root_bound`` where it ran the LP; for
    EARLY_ROOT's, ``root_bound`` stopping once its bound stalls.

    Both are faked to an absurd bound, told apart by its value, the stall it was given
    added; mip_below=None and ranges around lighthouse-small's 24 patients stand in for
    weeks of 80-199 and 200-499 patients.
    """
    monkeypatch.setattr(relaxation.BoundSolver, "lower_bound", lambda self, r, limit: 10_000.0)

    def root(self, r, limit, on_bound, stall=None) -> None:
        on_bound(20_000.0 + (stall or 0))

    monkeypatch.setattr(relaxation.BoundSolver, "root_bound", root)
    options = SolveOptions(time_limit=60, workers=2, mip_below=None, root_cuts=patients, early_root=early)
    result = solve(load_scenario(SCENARIOS / "lighthouse-small.yaml"), options)
    assert result.status == "OPTIMAL"
    expected = {"root": 20_000.0, "early-root": 20_000.0 + solve_module.ROOT_STALL_S, "lp": 10_000.0}
    assert result.best_bound == expected[kind]


def test_a_stalled_root_ends_before_its_time(monkeypatch: pytest.MonkeyPatch, solved) -> None:
    """``root_bound`` with ``stall`` asks HiGHS to stop once no rise has come for that long.

    The clock is faked so that every poll finds the bound stalled: the root then ends at its
    first interrupt check, with at most the bound the full root reaches, and without
    ``stall`` the same clock changes nothing.
    """
    _, _, r = solved
    full: list[float] = []
    BoundSolver().root_bound(r, 60.0, full.append)
    ticks = itertools.count(0.0, 100.0)  # each reading 100 s after the last
    monkeypatch.setattr(relaxation, "time", SimpleNamespace(monotonic=lambda: next(ticks)))
    stalled: list[float] = []
    BoundSolver().root_bound(r, 60.0, stalled.append, stall=10.0)
    unstalled: list[float] = []
    BoundSolver().root_bound(r, 1e9, unstalled.append)
    assert full and unstalled == full
    assert not stalled or stalled[-1] <= full[-1]
    assert stalled != full


def test_a_mip_roster_is_checked_exactly_before_it_counts(solved) -> None:
    """``_checked`` fixes every variable: a roster's values pass, a broken one (nobody seated) fails."""
    built, values, _ = solved
    checked = _checked(built.model, values)
    assert checked is not None
    objective = built.model.proto.objective
    pairs = zip(objective.vars, objective.coeffs, strict=True)
    assert checked.objective_value == sum(c * values[v] for v, c in pairs)
    assert _checked(built.model, np.zeros_like(values)) is None
    assert _checked(built.model, values[:-1]) is None


def test_the_mip_roster_is_adopted_and_a_broken_one_ignored(monkeypatch: pytest.MonkeyPatch, solved) -> None:
    """A roster HiGHS reports is the solve's answer once CP-SAT has checked it; one that breaks a rule is not.

    HiGHS is faked: it first offers an impossible roster priced below any other, then a
    real one with a bound equal to it, which ends the search as OPTIMAL on that roster.
    """
    _, values, r = solved
    price = float(np.dot(r.cost, values) + r.offset)

    def fake(self, relaxation, limit, on_bound, on_solution, *cutoff) -> None:
        on_solution(-1.0, np.zeros_like(values))
        on_solution(price, values)
        on_bound(price)

    monkeypatch.setattr(relaxation.BoundSolver, "branch_and_bound", fake)
    scenario = load_scenario(SCENARIOS / "lighthouse-small.yaml")
    result = solve(scenario, SolveOptions(time_limit=60, workers=2))
    assert result.status == "OPTIMAL"
    assert result.objective == result.best_bound == price
    assert result.roster is not None and not check_roster(scenario, result.roster).violations


def test_the_mip_stops_when_its_memory_grows_past_the_limit() -> None:
    """The interrupt callback asks HiGHS to stop once memory has grown past the limit, not before."""
    event = SimpleNamespace(data_in=SimpleNamespace(user_interrupt=False))
    roomy = relaxation._MemoryGuard(limit_mb=10_000_000.0)
    roomy.checked -= 2.0
    roomy(event)
    assert event.data_in.user_interrupt is False
    full = relaxation._MemoryGuard(limit_mb=-1.0)  # any size counts as grown past it
    full(event)
    assert event.data_in.user_interrupt is False  # checked at most once a second
    full.checked -= 2.0
    full(event)
    assert event.data_in.user_interrupt is True
