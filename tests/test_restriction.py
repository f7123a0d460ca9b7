"""The first phase on home blocks (restriction.py): which patients it restricts, that
clinicians can be kept to one family per block in it, and that a solve through it finds
the whole week's optimum and never reports its bound; its load-first step reports rosters
at the week's objective."""

from __future__ import annotations

import logging
import time
from dataclasses import replace
from typing import Any

import pytest
from ortools.sat.python import cp_model

from optimizer import solve as solve_module
from optimizer.check import check_roster
from optimizer.instance import Instance
from optimizer.model import RosterModel
from optimizer.restriction import home_blocks, restricted_model
from optimizer.scenario import load_scenario, scenario_from_dict
from optimizer.solve import Progress, SolveOptions, solve
from tests.factories import NO_OBJECTIVE, SCENARIOS, make_patient, tiny_document

BLOCKS = {"morning": {"start": "09:00", "end": "12:00"}, "evening": {"start": "17:00", "end": "20:00"}}
BOTH = {"mon": ["morning", "evening"], "tue": ["morning", "evening"]}


def _two_blocks(patients: list[dict[str, Any]], **sections: Any) -> dict[str, Any]:
    """The tiny week with a morning block too, a therapist free in both."""
    document = tiny_document(patients=patients, **sections)
    document["program"]["blocks"] = BLOCKS
    document["therapists"][0]["availability"] = BOTH
    return document


def _built(document: dict[str, Any]) -> RosterModel:
    return RosterModel(Instance(scenario_from_dict(document)))


def _mostly_mornings(ident: str, **fields: Any) -> dict[str, Any]:
    """Free both mornings and Monday evening: the morning is their home block."""
    return make_patient(ident, availability={"mon": ["morning", "evening"], "tue": ["morning"]}, **fields)


def test_a_patient_keeps_the_block_of_most_days_unless_they_prefer_another() -> None:
    built = _built(
        _two_blocks([_mostly_mornings("P1"), _mostly_mornings("P2", preferred_blocks=["evening"])])
    )
    morning, evening = built.inst.blocks.index("morning"), built.inst.blocks.index("evening")
    assert home_blocks(built) == {0: frozenset({morning}), 1: frozenset({evening})}


def test_patients_are_left_free_when_home_blocks_would_not_leave_them_room() -> None:
    """A locked patient, a one-block patient, and one whose minimum days need the other block."""
    lock = {"patient": "P1", "session": {"day": "mon", "block": "evening", "type": "process"}}
    levels = {"L": {"min_hours": 3, "max_hours": 6, "min_days": 1, "max_days": 2},
              "W": {"min_hours": 6, "max_hours": 6, "min_days": 2, "max_days": 2}}  # fmt: skip
    patients = [
        _mostly_mornings("P1"),
        make_patient("P2", days=("mon", "tue"), block="evening"),
        _mostly_mornings("P3", level="W", preferred_blocks=["evening"]),  # evenings: Monday only
    ]
    built = _built(_two_blocks(patients, locked=[lock], levels=levels))
    assert home_blocks(built) == {}
    patients[2]["preferred_blocks"] = ["morning"]
    assert home_blocks(_built(_two_blocks(patients, locked=[lock], levels=levels))) == {2: frozenset({0})}


def test_the_restricted_copy_forbids_exactly_the_groups_outside_home_blocks() -> None:
    built = _built(_two_blocks([_mostly_mornings("P1"), _mostly_mornings("P2")]))
    copy = restricted_model(built)
    assert copy is not None
    assert len(copy.proto.variables) == len(built.model.proto.variables)
    evening = built.inst.blocks.index("evening")
    outside = {var.index for (_p, _d, b, _g), var in built.attend.items() if b == evening}
    solver = cp_model.CpSolver()
    assert solver.solve(copy) == cp_model.OPTIMAL
    assert outside and all(solver.value(copy.get_int_var_from_proto_index(i)) == 0 for i in outside)
    assert restricted_model(_built(tiny_document(patients=[make_patient("P1")]))) is None


def test_one_family_per_block_keeps_a_leader_to_one_group_type_in_a_block() -> None:
    """T1, the only leader, must run process and skills in the mornings: the week allows it,
    the first phase kept to one family per block does not, and a solve then searches the
    whole week and still finds its roster."""
    once = {"min": 1, "max": 1}
    groups = [
        {"id": kind, "qualification": "SUD", "min_size": 1, "max_size": 4, "per_patient_week": once}
        for kind in ("process", "skills")
    ]
    document = _two_blocks([_mostly_mornings("P1"), _mostly_mornings("P2")], group_types=groups)
    built = _built(document)
    solver = cp_model.CpSolver()
    plain, kept = restricted_model(built), restricted_model(built, one_family=True)
    assert plain is not None and kept is not None
    assert len(kept.proto.variables) > len(plain.proto.variables) == len(built.model.proto.variables)
    assert solver.solve(plain) == cp_model.OPTIMAL
    assert solver.solve(kept) == cp_model.INFEASIBLE
    for workers in (1, 2):
        options = SolveOptions(time_limit=10.0, workers=workers, restrict_from=0)
        assert solve(scenario_from_dict(document), options).status == "OPTIMAL"


def test_the_first_phase_never_reports_its_bound() -> None:
    """Restricted, P1 and P2 need two sessions (20); the week needs one (10). Every bound
    the solve reports, during the search or at the end, is at most the week's optimum."""
    group = {"id": "process", "qualification": "SUD", "min_size": 1, "max_size": 4,
             "per_patient_week": {"min": 0, "max": 2}}  # fmt: skip
    objective = {**NO_OBJECTIVE, "sessions": 10}
    patients = [_mostly_mornings("P1"), make_patient("P2", days=("mon",), block="evening")]
    scenario = scenario_from_dict(_two_blocks(patients, group_types=[group], objective=objective))
    seen: list[Progress] = []
    options = SolveOptions(time_limit=10.0, workers=1, restrict_from=0)
    result = solve(scenario, options, on_progress=seen.append)
    assert result.status == "OPTIMAL" and result.objective == 10
    assert next(p.objective for p in seen if p.objective is not None) == 20  # the first phase's roster
    assert all(p.bound <= 10 for p in seen if p.bound is not None)


def test_one_worker_solves_stay_reproducible_through_both_phases() -> None:
    scenario = load_scenario(SCENARIOS / "lighthouse-small.yaml")
    options = SolveOptions(time_limit=4.0, workers=1, seed=3, restrict_from=0)
    first, second = solve(scenario, options), solve(scenario, options)
    assert first.objective == second.objective
    assert first.roster.sessions == second.roster.sessions


def test_the_load_first_step_reports_rosters_at_the_weeks_objective(caplog: pytest.LogCaptureFixture) -> None:
    """The first phase's load-first step minimises load balance alone (46 at best here), but
    every roster it reports carries the week's objective (optimum 146), never the term's."""
    caplog.set_level(logging.INFO, logger="optimizer.solve")
    scenario = load_scenario(SCENARIOS / "lighthouse-small.yaml")
    seen: list[Progress] = []
    options = SolveOptions(time_limit=10.0, workers=2, restrict_from=0)
    result = solve(scenario, options, on_progress=seen.append)
    assert "load_balance alone" in caplog.text
    reported = [p.objective for p in seen if p.objective is not None]
    assert reported and min(reported) >= 146 and result.objective == min(reported)
    assert result.roster is not None and check_roster(scenario, result.roster).ok


def test_without_load_balance_in_the_objective_there_is_no_load_first_step(
    caplog: pytest.LogCaptureFixture,
) -> None:
    caplog.set_level(logging.INFO, logger="optimizer.solve")
    scenario = load_scenario(SCENARIOS / "lighthouse-small.yaml")
    options = SolveOptions(time_limit=3.0, workers=2, restrict_from=0, weights={"load_balance": 0})
    assert solve(scenario, options).roster is not None
    assert "load_balance alone" not in caplog.text and "first phase on home blocks" in caplog.text


def test_the_load_first_roster_starts_the_week_when_the_phase_finds_none(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """A phase stopped before its own first roster (a stall counted from the step's roster,
    its presolve still running) leaves the step's roster as the whole week's start.

    Seen on a 400-patient week at 40 s on a slow machine: the whole week started cold and
    ended at 2,941 against 2,382 from the step's roster.
    """
    real = solve_module._run
    hinted: list[int] = []

    def run(model, options, watcher, on_tick, enough=None, params=None):  # type: ignore[no-untyped-def]
        hinted.append(len(model.proto.solution_hint.vars))
        if len(hinted) == 2:  # the phase after the step: stopped before any roster
            params = {**params, "max_time_in_seconds": 1e-6}
        return real(model, options, watcher, on_tick, enough, params)

    monkeypatch.setattr(solve_module, "_run", run)
    scenario = load_scenario(SCENARIOS / "lighthouse-small.yaml")
    result = solve(scenario, SolveOptions(time_limit=6.0, workers=2, restrict_from=0, lp_bound=False))
    assert len(hinted) == 3 and hinted[2] > 0  # the whole week started from the step's roster
    assert result.roster is not None and check_roster(scenario, result.roster).ok


def _record_searches(monkeypatch: pytest.MonkeyPatch) -> list[tuple[cp_model.CpModel, dict[str, object]]]:
    """Each CP-SAT search ``solve`` makes from now on: the model searched and its parameters."""
    real = solve_module._run
    searches: list[tuple[cp_model.CpModel, dict[str, object]]] = []

    def run(model, options, watcher, on_tick, enough=None, params=None):  # type: ignore[no-untyped-def]
        searches.append((model, params or solve_module.parameters(options)))
        return real(model, options, watcher, on_tick, enough, params)

    monkeypatch.setattr(solve_module, "_run", run)
    return searches


@pytest.mark.parametrize(("name", "shipped"), [("max_presolve_iterations", 1), ("num_violation_ls", 3)])
@pytest.mark.parametrize("user", [None, 2])
def test_a_week_solved_in_phases_gets_the_phased_parameters_unless_the_user_says(
    monkeypatch: pytest.MonkeyPatch, name: str, shipped: int, user: int | None
) -> None:
    """Every search of a phased two-worker solve gets ``PHASED_PRESOLVE`` and
    ``PHASED_SEARCH``; a week searched whole gets neither; a parameter the user gives wins."""
    asked = {} if user is None else {name: user}
    searches = _record_searches(monkeypatch)
    scenario = load_scenario(SCENARIOS / "lighthouse-small.yaml")
    options = SolveOptions(time_limit=2.0, workers=2, restrict_from=0, lp_bound=False, parameters=asked)
    assert solve(scenario, options).roster is not None
    seen = [params.get(name) for _, params in searches]
    assert len(seen) >= 2 and set(seen) == {shipped if user is None else user}
    searches.clear()
    whole = SolveOptions(time_limit=1.0, workers=2, restrict_from=None, lp_bound=False, parameters=asked)
    solve(scenario, whole)
    seen = [params.get(name) for _, params in searches]
    assert seen == [user]  # a week searched whole: CP-SAT's default


def test_more_local_search_only_where_it_was_measured() -> None:
    """``PHASED_SEARCH`` is for two workers (one worker's solve is reproducible and was not measured)."""
    whole, first = solve_module.phased_parameters(SolveOptions(workers=1))
    assert "num_violation_ls" not in whole and "num_violation_ls" not in first
    whole, first = solve_module.phased_parameters(SolveOptions(workers=2))
    assert whole["num_violation_ls"] == first["num_violation_ls"] == 3


def test_weeks_of_the_brief_phase_start_on_home_blocks_for_a_tenth_of_the_time_on_several_workers(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """``BRIEF_PHASE`` weeks (here every size): two workers search the restricted week for
    ``BRIEF_SHARE`` of the time, then the whole week for the rest, from its roster; one
    worker (reproducible, not measured) and ``brief_phase=None`` search the whole week alone."""
    monkeypatch.setattr(solve_module, "QUICK_BRIEF_BELOW", 0)  # the phase of 100 patients and up
    searches = _record_searches(monkeypatch)
    scenario = load_scenario(SCENARIOS / "lighthouse-small.yaml")  # 24 patients
    brief = SolveOptions(time_limit=5.0, workers=2, restrict_from=None, brief_phase=range(99), lp_bound=False)
    result = solve(scenario, brief)
    assert result.roster is not None and check_roster(scenario, result.roster).ok
    first, (whole, params) = searches[0][0], searches[-1]
    assert len(searches) >= 2 and whole is not first and len(whole.proto.solution_hint.vars) > 0
    assert all(model is first for model, _ in searches[:-1])
    assert float(params["max_time_in_seconds"]) >= 3.5  # the phase took about half a second of five
    for options in (replace(brief, workers=1), replace(brief, brief_phase=None)):
        searches.clear()
        solve(scenario, replace(options, time_limit=1.0))
        assert len(searches) == 1 and not searches[0][0].proto.solution_hint.vars


def _one_second_searches(monkeypatch: pytest.MonkeyPatch) -> None:
    """Every CP-SAT search reports 1 s of wall time, so that each step's share of the
    solve's time limit can be counted exactly."""
    monkeypatch.setattr(cp_model.CpSolver, "wall_time", property(lambda _solver: 1.0))


def test_the_whole_week_loses_the_load_first_steps_time_once(monkeypatch: pytest.MonkeyPatch) -> None:
    """Where the load-first step takes the brief phase's whole share (a tenth of the time on
    100-199-patient weeks; the step is capped at half of it once it has a roster, and runs
    until the phase's end while it has none), the whole week's search gets the rest of the
    limit: the step's time is taken off once. Twice, a 60 s solve of a 120-patient week
    (before the cap) ended at 54 s.

    The step returns once the phase's share is over, so the whole week's limit is 5 - 1 s,
    and 3 s were it taken twice.
    """
    monkeypatch.setattr(solve_module, "QUICK_BRIEF_BELOW", 0)  # the phase of 100 patients and up
    _one_second_searches(monkeypatch)
    real = solve_module._load_first
    options = SolveOptions(
        time_limit=5.0, workers=2, restrict_from=None, brief_phase=range(99), lp_bound=False
    )

    def step(*args):  # type: ignore[no-untyped-def]
        found = real(*args)
        time.sleep(options.time_limit * solve_module.BRIEF_SHARE + 0.1)  # the phase's share is over
        return found

    monkeypatch.setattr(solve_module, "_load_first", step)
    searches = _record_searches(monkeypatch)
    scenario = load_scenario(SCENARIOS / "lighthouse-small.yaml")  # 24 patients
    result = solve(scenario, options)
    assert result.roster is not None and check_roster(scenario, result.roster).ok
    assert len(searches) == 2  # the step, then the whole week: no phase search between
    assert float(searches[-1][1]["max_time_in_seconds"]) == pytest.approx(4.0)


def test_a_slow_load_first_step_leaves_the_brief_phase_time_for_the_weeks_objective(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """A load-first step that does not prove its optimum stops at ``BRIEF_LOAD_FIRST_SHARE``
    of the time (1 s of 20), half the brief phase, and the phase then searches the
    restricted week's objective before the whole week. With the phase's whole share (2 s)
    the step's rosters, load balance alone minimised, were the phase's (1,095-1,113 on a
    120-patient week where HiGHS's one roster is 924)."""
    monkeypatch.setattr(solve_module, "QUICK_BRIEF_BELOW", 0)  # the phase of 100 patients and up
    real = solve_module._run
    searched: list[float] = []

    def run(model, options, watcher, on_tick, enough=None, params=None):  # type: ignore[no-untyped-def]
        began = time.monotonic()
        found = real(model, options, watcher, on_tick, enough, params)
        if not searched:  # the step: as if still proving its optimum until it is told to stop
            while not enough():
                time.sleep(0.01)
        searched.append(time.monotonic() - began)
        return found

    monkeypatch.setattr(solve_module, "_run", run)
    scenario = load_scenario(SCENARIOS / "lighthouse-small.yaml")  # 24 patients
    options = SolveOptions(
        time_limit=20.0, workers=2, restrict_from=None, brief_phase=range(99), lp_bound=False, gap=0.5
    )
    result = solve(scenario, options)
    assert result.roster is not None and check_roster(scenario, result.roster).ok
    assert searched[0] < 1.6  # the step stopped at about 1 s, not at the phase's 2 s
    assert len(searched) == 3  # the step, the phase on the week's objective, the whole week


def test_the_whole_week_loses_the_time_of_local_search_that_found_no_first_roster(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """On XL sizes, when local search alone finds no first roster and the first phase's
    portfolio does, the whole week's limit loses both searches' time and the one-family
    week's: 6 - 3 s (without local search's, it overran the time limit by its share)."""
    monkeypatch.setattr(solve_module, "ONE_FAMILY_BELOW", 0)
    monkeypatch.setattr(solve_module, "FIRST_ROSTER_SHARE", 1e-5)
    monkeypatch.setattr(solve_module, "FIRST_ROSTER_FLOOR", 0.0)
    _one_second_searches(monkeypatch)
    searches = _record_searches(monkeypatch)
    scenario = load_scenario(SCENARIOS / "lighthouse-small.yaml")
    result = solve(scenario, SolveOptions(time_limit=6.0, workers=2, restrict_from=0, lp_bound=False))
    assert result.roster is not None and check_roster(scenario, result.roster).ok
    assert len(searches) == 4  # local search, the portfolio, one family per block, the whole week
    assert float(searches[-1][1]["max_time_in_seconds"]) == pytest.approx(3.0)


@pytest.mark.parametrize(("quick_below", "quick"), [(100, True), (0, False)])
def test_the_quick_brief_phase_skips_the_load_first_step_and_leaves_the_whole_week_unhinted(
    monkeypatch: pytest.MonkeyPatch, quick_below: int, quick: bool
) -> None:
    """Below ``QUICK_BRIEF_BELOW`` patients the brief phase searches the restricted week's own
    objective, and the whole week's search starts afresh rather than from its roster, with
    the parameters of a week searched whole; from it, load balance alone comes first and
    the whole week starts from the phase's roster, with the phased parameters. Either way
    the solve returns the best roster it reported."""
    steps: list[str] = []
    real = solve_module._load_first

    def load_first_step(built, restricted, name, *rest):  # type: ignore[no-untyped-def]
        steps.append(name)
        return real(built, restricted, name, *rest)

    monkeypatch.setattr(solve_module, "_load_first", load_first_step)
    monkeypatch.setattr(solve_module, "QUICK_BRIEF_BELOW", quick_below)
    searches = _record_searches(monkeypatch)
    scenario = load_scenario(SCENARIOS / "lighthouse-small.yaml")  # 24 patients
    options = SolveOptions(
        time_limit=4.0, workers=2, restrict_from=None, brief_phase=range(99), lp_bound=False
    )
    seen: list[float] = []
    result = solve(
        scenario, options, on_progress=lambda p: seen.append(p.objective) if p.objective is not None else None
    )
    assert result.roster is not None and check_roster(scenario, result.roster).ok
    assert result.objective == min(seen)
    assert steps == ([] if quick else ["load_balance"])
    (first, _), (whole, params) = searches[0], searches[-1]
    assert len(searches) >= 2 and whole is not first
    assert (len(whole.proto.solution_hint.vars) > 0) is not quick
    assert ("num_violation_ls" in params) is not quick  # afresh: the week's own parameters


def test_small_weeks_search_with_symmetry_at_its_highest_level_unless_the_user_says(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """``SMALL_WEEK_SEARCH`` below ``SMALL_WEEK_BELOW`` patients on the tuned two-worker
    search only; a parameter the user gives wins."""
    options = SolveOptions(time_limit=1.0, workers=2)
    below = solve_module.SMALL_WEEK_BELOW
    assert solve_module.parameters(options, below - 1)["symmetry_level"] == 4
    assert "symmetry_level" not in solve_module.parameters(options, below)
    assert "symmetry_level" not in solve_module.parameters(SolveOptions(tuned=False), below - 1)
    assert "symmetry_level" not in solve_module.parameters(SolveOptions(workers=1), below - 1)  # not measured
    asked = SolveOptions(time_limit=1.0, workers=2, parameters={"symmetry_level": 1})
    assert solve_module.parameters(asked, below - 1)["symmetry_level"] == 1
    searches = _record_searches(monkeypatch)
    scenario = load_scenario(SCENARIOS / "lighthouse-small.yaml")  # 24 patients
    assert solve(scenario, SolveOptions(time_limit=1.0, workers=2, lp_bound=False)).roster is not None
    assert [params.get("symmetry_level") for _, params in searches] == [4]


def test_the_first_phase_searches_without_the_feasibility_pump_and_the_whole_week_with_it(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """The pump is left out of the home-block searches only (``FIRST_PHASE_PORTFOLIOS``)."""
    searches = _record_searches(monkeypatch)
    scenario = load_scenario(SCENARIOS / "lighthouse-small.yaml")
    solve(scenario, SolveOptions(time_limit=3.0, workers=2, restrict_from=0, lp_bound=False))
    seen = [(model, list(params.get("ignore_subsolvers", []))) for model, params in searches]
    restricted = seen[0][0]
    first = [ignored for model, ignored in seen if model is restricted]
    whole = [ignored for model, ignored in seen if model is not restricted]
    assert first and all(ignored == ["feasibility_pump"] for ignored in first)
    assert whole == [[]]


def test_from_one_family_below_home_blocks_give_the_first_roster_and_one_family_follows(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """On XL sizes (``ONE_FAMILY_BELOW`` patients and up, lowered here to 0) the home-block
    search stops at its first roster, the one-family week is searched next from nothing,
    and the whole week starts from the better of their rosters (``_one_family_next``)."""
    monkeypatch.setattr(solve_module, "ONE_FAMILY_BELOW", 0)
    searches = _record_searches(monkeypatch)
    scenario = load_scenario(SCENARIOS / "lighthouse-small.yaml")
    result = solve(scenario, SolveOptions(time_limit=6.0, workers=2, restrict_from=0, lp_bound=False))
    assert len(searches) == 3
    (home, home_params), (narrow, narrow_params), (whole, _) = searches
    assert home_params.get("stop_after_first_solution") is True
    assert home_params.get("use_ls_only") is True  # FIRST_ROSTER_SEARCH
    assert home_params.get("cp_model_probing_level") == 0
    assert home_params["max_time_in_seconds"] == pytest.approx(3.0)  # FIRST_ROSTER_FLOOR, at most half
    assert not narrow_params.get("stop_after_first_solution") and not narrow_params.get("use_ls_only")
    assert "cp_model_probing_level" not in narrow_params  # the searches that improve keep probing
    assert len(narrow.proto.variables) > len(home.proto.variables)  # the one-family flags
    assert not narrow.proto.solution_hint.vars  # from nothing: the home roster breaks its rule
    assert len(whole.proto.solution_hint.vars) == len(whole.proto.variables)
    assert result.roster is not None and check_roster(scenario, result.roster).ok


@pytest.mark.parametrize(("deterministic", "capped"), [(float("inf"), float("inf")), (100.0, 3.0)])
def test_the_first_rosters_step_caps_only_the_clocks_that_have_a_limit(
    monkeypatch: pytest.MonkeyPatch, deterministic: float, capped: float
) -> None:
    """The benchmark leaves CP-SAT's deterministic clock unlimited so that the wall alone
    decides; the local-search step keeps it so, since two workers' deterministic time
    outruns the wall, while a limit the user set is capped like the wall's."""
    monkeypatch.setattr(solve_module, "ONE_FAMILY_BELOW", 0)
    searches = _record_searches(monkeypatch)
    scenario = load_scenario(SCENARIOS / "lighthouse-small.yaml")
    clock = {"max_deterministic_time": deterministic}
    options = SolveOptions(time_limit=6.0, workers=2, restrict_from=0, lp_bound=False, parameters=clock)
    solve(scenario, options)
    (_, local_params), *_ = searches
    assert local_params.get("use_ls_only") is True
    assert local_params["max_time_in_seconds"] == pytest.approx(3.0)  # FIRST_ROSTER_FLOOR, at most half
    assert local_params["max_deterministic_time"] == capped


def test_when_local_search_finds_no_first_roster_the_first_phases_portfolio_does(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Local search alone cannot prove a week has no roster and may miss one: after its
    share of the time (``FIRST_ROSTER_SHARE``, its floor ``FIRST_ROSTER_FLOOR``, here too
    short to finish presolve) the first phase's own portfolio searches the home blocks,
    still up to its first roster."""
    monkeypatch.setattr(solve_module, "ONE_FAMILY_BELOW", 0)
    monkeypatch.setattr(solve_module, "FIRST_ROSTER_SHARE", 1e-5)
    monkeypatch.setattr(solve_module, "FIRST_ROSTER_FLOOR", 0.0)
    searches = _record_searches(monkeypatch)
    scenario = load_scenario(SCENARIOS / "lighthouse-small.yaml")
    result = solve(scenario, SolveOptions(time_limit=6.0, workers=2, restrict_from=0, lp_bound=False))
    (local, local_params), (home, home_params), *_ = searches
    assert home is local and local_params.get("use_ls_only") is True
    assert local_params["max_time_in_seconds"] == pytest.approx(6.0 * 1e-5)
    assert home_params.get("stop_after_first_solution") is True and not home_params.get("use_ls_only")
    assert "cp_model_probing_level" not in home_params  # the portfolio's presolve at full strength
    assert result.roster is not None and check_roster(scenario, result.roster).ok
