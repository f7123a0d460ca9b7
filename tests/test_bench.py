"""The benchmark: gap formula, timelines, suites, the four peers, the runner and the command."""

from __future__ import annotations

import csv
import dataclasses
import json
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from optimizer.bench import speed
from optimizer.bench.child import priced_timeline
from optimizer.bench.command import BenchConfig, merge_results
from optimizer.bench.peers import PeerOptions, PeerOutput, load_peer
from optimizer.bench.report import family_table, ratio_table, ratios, targets_section, write_report
from optimizer.bench.runner import RunSpec, add_gaps, peer_label, plan, run_one
from optimizer.bench.suites import BenchWeek, SuiteError, Targets, load_suites, select, week_named
from optimizer.bench.timeline import (
    Event,
    gap_at,
    incumbent_at,
    relative_gap,
    time_to_best,
    time_to_first,
    time_to_gap,
    time_to_proof,
)
from optimizer.check import check_roster
from optimizer.cli import main
from optimizer.generate import GeneratorSettings, generate
from optimizer.scenario import Scenario, load_scenario, scenario_from_dict
from optimizer.scenario.write import write_scenario
from optimizer.solve import parse_parameter
from tests.factories import make_patient, make_therapist, tiny_document


def run_peer(name: str, scenario: Scenario, time_limit: float = 20.0) -> PeerOutput:
    return load_peer(name)(scenario, PeerOptions(time_limit=time_limit, workers=1), lambda _i, _b: None)


def two_leader_week() -> Scenario:
    """Six patients, groups of at most 4, one room, two SUD therapists on Monday and Tuesday evenings.

    Each patient needs 3 h, so two sessions must run (S3 = 2 x 10); the one room puts
    them on different evenings. Both led by one therapist: continuity 0, load peak
    ceil(100 x 360 / 1200) = 30. One each: continuity 1 (x 2) and peak 15. Optimum:
    20 + 2 + 15 = 37, with default weights.
    """
    document = tiny_document(
        patients=[make_patient(f"P{n}") for n in range(1, 7)],
        therapists=[make_therapist("T1", ["SUD"]), make_therapist("T2", ["SUD"])],
        objective={},
    )
    return scenario_from_dict(document)


# -- gap formula and timelines ------------------------------------------------------------


def test_gap_formula() -> None:
    """gap = (incumbent − bound) / max(1, |incumbent|); tiny negatives are tolerance, real ones kept."""
    assert relative_gap(110, 100) == pytest.approx(10 / 110)
    assert relative_gap(0.5, 0) == pytest.approx(0.5)  # |incumbent| < 1: divided by 1
    assert relative_gap(-20, -30) == pytest.approx(10 / 20)
    assert relative_gap(37, 37) == 0
    assert relative_gap(None, 3) is None and relative_gap(3, None) is None
    assert relative_gap(100, 100 + 1e-9) == 0
    assert relative_gap(100, 110) == pytest.approx(-0.1)  # a wrong bound shows, never hidden


def test_timeline_figures() -> None:
    """First roster, time to best, gap at a time and time to a gap, read off one timeline."""
    events = [Event(0.5, None, 10), Event(1.0, 200, 50), Event(4.0, 120, 90), Event(9.0, 101, 100)]
    assert time_to_first(events) == 1.0
    assert time_to_best(events) == 9.0
    assert incumbent_at(events, 0.9) is None and incumbent_at(events, 5) == 120
    assert gap_at(events, 5, 100) == pytest.approx(20 / 120)
    assert gap_at(events, 0.7, 100) is None
    assert time_to_gap(events, 0.01, 100) == 9.0
    assert time_to_gap(events, 0.001, 100) is None
    assert time_to_proof(events) is None  # 101 against 100: never proven


def test_a_proof_is_when_the_roster_and_the_bound_meet_whichever_came_last() -> None:
    """The bound first, the roster later (S-30p-s1 with HiGHS's root bounds), or the other way round."""
    bound_first = [Event(0.5, 260, 180), Event(3.3, 216, 203), Event(8.3, 203, 203)]
    roster_first = [Event(0.5, 160, 130), Event(3.0, 146, 141), Event(4.2, None, 146)]
    assert time_to_proof(bound_first) == 8.3
    assert time_to_proof(roster_first) == 4.2
    assert time_to_proof([Event(1.0, 146, 146.0 + 1e-9)]) == 1.0  # a bound past it by tolerance

    def run(events: list[list[float | None]]) -> dict[str, Any]:
        return {"week": "w", "peer": "cpsat", "label": "cpsat/2w", "run": "ok", "status": "OPTIMAL",
                "time_limit_s": 60.0, "objective": 146, "best_bound": 146.0, "has_roster": True,
                "checker_ok": True, "events": events, "family": "S", "patients": 24}  # fmt: skip

    runs = [run([[3.0, 146, 141], [4.2, None, 146]]), run([[2.0, 146, 146]]), run([[1.0, 150, 140]])]
    add_gaps(runs)
    assert [r["time_to_proof_s"] for r in runs] == [4.2, 2.0, None]
    assert "| 2/3, 3.1 s |" in family_table(runs)


def test_priced_timeline_reprices_the_returned_roster_from_when_it_was_found() -> None:
    """A solver's own value may include slack; the checker's price applies from the roster's event on."""
    events: list[list[float | None]] = [[1.0, 328.0, None], [3.0, 328.0, 195.0], [5.0, 328.0, 199.0]]
    priced = priced_timeline(events, 328.0, 246.0, 6.0)
    assert [e[1] for e in priced] == [246.0, 246.0, 246.0]
    assert priced_timeline([], None, 147.0, 0.2) == [[0.2, 147.0, None]]  # the greedy: one event
    assert priced_timeline(events, 328.0, None, 6.0) == events  # a roster that failed: no incumbent


# -- suites --------------------------------------------------------------------------------


def test_suites_are_reproducible(tmp_path: Path) -> None:
    """Same family and seed: the same week, in memory and through the cache file."""
    suites = load_suites()
    assert {"S", "M", "L", "XL", "tight"} <= set(suites)
    first = suites["S"][0]
    assert first.settings["seed"] == 1 and first.path is None
    assert first.scenario() == load_suites()["S"][0].scenario()
    cached = first.materialize(tmp_path)
    assert load_scenario(cached) == first.scenario()
    assert first.materialize(tmp_path) == cached  # reused, not regenerated
    other = BenchWeek(name="S-30p-s2", family="S", settings={**first.settings, "seed": 2})
    assert other.key() != first.key() and other.scenario() != first.scenario()
    assert any(w.path is not None and w.path.name == "lighthouse-small.yaml" for w in suites["S"])
    assert all(w.settings.get("slack") == 0 for w in suites["tight"])


def test_week_seeds_give_other_weeks_of_the_same_families() -> None:
    """--week-seeds: the families' settings with other seeds, and no example scenarios."""
    held_out = load_suites(week_seeds=[4, 5])
    assert [w.name for w in held_out["S"]] == ["S-30p-s4", "S-30p-s5"]
    assert held_out["tight"][0].settings == {**load_suites()["tight"][0].settings, "seed": 4}
    assert all(w.path is None for family in held_out.values() for w in family)
    assert held_out["S"][0].scenario() != load_suites()["S"][0].scenario()
    config = BenchConfig(suites=["S", "M"], week_seeds=[4, 5])
    assert config.command().endswith("--week-seeds 4,5") and config.output().name == "S-M-weeks-4-5"


def test_suite_errors(tmp_path: Path) -> None:
    """A misspelt generator setting or suite name is an error naming it."""
    bad = tmp_path / "suites.yaml"
    bad.write_text("families:\n  S: {generate: {patiens: 30}, seeds: [1]}\n")
    with pytest.raises(SuiteError, match="patiens"):
        load_suites(bad)
    with pytest.raises(SuiteError, match="nope"):
        select(load_suites(), ["nope"])
    assert [w.family for w in select(load_suites(), ["all"])][-1] == "tight"
    assert week_named("L-400p-s1").settings == {"patients": 400, "seed": 1}
    assert week_named("riverbend").family == "M"
    with pytest.raises(SuiteError, match="unknown week L-400p"):
        week_named("L-400p")  # a prefix is not a name


def test_families_carry_issue_8s_targets_to_every_week_and_bad_ones_are_named(tmp_path: Path) -> None:
    """A family's targets reach its generated weeks and examples; a malformed one names family and field."""
    suites = load_suites()
    assert suites["S"][0].targets == Targets(proven_within_s=5.0)
    assert week_named("riverbend").targets == Targets(gap_at={60.0: 0.005}, sooner_to_gap=0.01)
    assert load_suites(week_seeds=[9])["XL"][0].targets.gap_at == {300.0: 0.05}
    assert suites["tight"][0].targets == Targets()
    assert (
        Targets.from_dict(json.loads(json.dumps(suites["XL"][0].targets.as_dict())))
        == suites["XL"][0].targets
    )
    bad = tmp_path / "suites.yaml"
    for targets, named in [
        ("{proven_in_s: 5}", "keys among"),
        ("{gap_at: {30: 0.01}}", "30: expected one of the checkpoints 10, 60, 300"),
        ("{gap_at: {60: 2}}", "60: expected a gap between 0 and 1"),
        ("{peak_memory_gib: -4}", "peak_memory_gib: expected a positive number"),
    ]:
        bad.write_text(f"families:\n  S: {{generate: {{patients: 30}}, seeds: [1], targets: {targets}}}\n")
        with pytest.raises(SuiteError, match=f"family S: targets: .*{named}"):
            load_suites(bad)


# -- peers ---------------------------------------------------------------------------------


def test_mip_and_cpsat_reach_the_same_stated_optimum() -> None:
    """HiGHS on the separate MIP, CP-SAT and the plain reference all prove 37 (see ``two_leader_week``)."""
    scenario = two_leader_week()
    for name in ("cpsat", "cpsat-ref", "highs"):
        output = run_peer(name, scenario)
        report = check_roster(scenario, output.roster)  # type: ignore[arg-type]
        assert output.status == "OPTIMAL", name
        assert output.solver_objective == pytest.approx(37) and report.ok and report.objective == 37, name
        assert output.best_bound == pytest.approx(37), name
    lp = run_peer("highs", scenario).lp_bound
    assert lp is not None and lp <= 37


def test_mip_reports_an_infeasible_week() -> None:
    """A patient who can come to no group of minimum size: the MIP proves it, no roster."""
    document = tiny_document(patients=[make_patient("P1"), make_patient("P2", days=("mon",))])
    document["group_types"][0]["min_size"] = 3
    output = run_peer("highs", scenario_from_dict(document))
    assert output.status == "INFEASIBLE" and output.roster is None


def test_greedy_gives_a_clean_roster_on_an_easy_week() -> None:
    """A small generated week with spare capacity: one pass meets every rule."""
    scenario = scenario_from_dict(generate(GeneratorSettings(patients=8, seed=0, slack=2.0))[0])
    output = run_peer("greedy", scenario)
    report = check_roster(scenario, output.roster)  # type: ignore[arg-type]
    assert report.ok, [str(v) for v in report.violations]
    assert output.roster is not None and not output.roster.shortfalls


def test_greedy_is_honest_on_an_impossible_week() -> None:
    """P2 can come only one evening (3 h) but needs 9 h: a roster still comes out, with shortfalls.

    What it does schedule breaks none of the rules a best-effort roster must keep (SPEC §3).
    """
    document = tiny_document(
        patients=[
            make_patient("P1"),
            make_patient("P2", days=("mon",), min_hours=9, max_hours=12),
            make_patient("P3"),
        ]
    )
    scenario = scenario_from_dict(document)
    output = run_peer("greedy", scenario)
    assert output.roster is not None
    report = check_roster(scenario, output.roster)
    assert report.ok  # accepted only thanks to the shortfall it declares, with the right numbers
    assert len(report.declared) == 1 and "P2" in report.declared[0]
    assert [(s.patient, s.rule) for s in output.roster.shortfalls] == [("P2", "H4")]
    undeclared = check_roster(scenario, dataclasses.replace(output.roster, shortfalls=()))
    assert undeclared.by_rule() == {"H4": 1} and "P2" in str(undeclared.violations)
    json.loads(output.roster.to_json())  # the SPEC §4 document


def test_highs_process_never_loads_ortools() -> None:
    """OR-Tools bundles its own libhighs: the HiGHS peer's process must not import it."""
    code = (
        "import sys, optimizer.bench.child, optimizer.bench.runner, optimizer.bench.peers.highs, "
        "optimizer.bench.peers.greedy; print('ortools' in sys.modules)"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert result.stdout.strip() == "False"


# -- runner, report, command ---------------------------------------------------------------


@pytest.fixture
def tiny_week(tmp_path: Path) -> tuple[BenchWeek, Path]:
    path = tmp_path / "tiny.json"
    write_scenario(two_leader_week(), path)
    return BenchWeek(name="tiny", family="T", path=path), path


def test_runner_records_a_finished_peer(tiny_week: tuple[BenchWeek, Path]) -> None:
    """A run in its own process comes back checked, with its timeline and memory."""
    week, path = tiny_week
    record = run_one(RunSpec(week, path, 6, "highs", None, 10.0), timeout=60)
    assert record["run"] == "ok" and record["status"] == "OPTIMAL" and record["checker_ok"]
    assert record["objective"] == 37 and record["ortools_loaded"] is False
    assert record["events"] and record["events"][-1][1] == 37
    assert record["peak_rss_mb"] > 10


def test_runner_records_crashes_and_timeouts(tiny_week: tuple[BenchWeek, Path], tmp_path: Path) -> None:
    """A peer that crashes or outlives its timeout is recorded as such, and kept in every output."""
    week, path = tiny_week
    broken = tmp_path / "broken.yaml"
    broken.write_text("program: {}\n")
    crashed = run_one(RunSpec(week, broken, 6, "greedy", None, 5.0), timeout=60)
    assert crashed["run"] == "crashed" and "blocks" in crashed["error"]  # the last line of its stderr
    timed_out = run_one(RunSpec(week, path, 6, "cpsat", 1, 5.0), timeout=0.3)
    assert timed_out["run"] == "timeout" and timed_out["objective"] is None
    too_big = run_one(RunSpec(week, path, 6, "highs", None, 5.0), timeout=60, memory_limit_mb=1)
    assert too_big["run"] == "memory" and "1 MB" in too_big["error"]
    finished = run_one(RunSpec(week, path, 6, "greedy", None, 5.0), timeout=60)
    records: list[dict[str, Any]] = [crashed, timed_out, finished]
    add_gaps(records)
    assert crashed["gap"] is None and timed_out["gap_10s"] is None
    settings = {"command": "test"}
    written = write_report(records, settings, tmp_path / "out")
    assert {p.name for p in written} >= {"results.json", "results.csv", "summary.md", "build-and-memory.png"}
    rows = list(csv.DictReader((tmp_path / "out" / "results.csv").open()))
    assert [r["run"] for r in rows] == ["crashed", "timeout", "ok"]
    summary = (tmp_path / "out" / "summary.md").read_text()
    assert "crashed: " in summary and "timeout: killed after 0.3 s" in summary
    assert "| T | 6 | greedy |" in summary  # the per-family table


def test_a_roster_with_declared_shortfalls_gets_no_gap_and_no_time() -> None:
    """The greedy's roster passes the checker with shortfalls declared: checked, but not comparable."""

    def run(peer: str, shortfalls: int) -> dict[str, Any]:
        return {"week": "w", "peer": peer, "label": peer, "run": "ok", "status": "HEURISTIC",
                "time_limit_s": 60.0, "objective": 100, "best_bound": 90.0, "has_roster": True,
                "checker_ok": True, "shortfalls_declared": shortfalls,
                "events": [[0.5, 100, None]], "family": "F", "patients": 3}  # fmt: skip

    short, whole = run("greedy", 3), run("highs", 0)
    add_gaps([short, whole])
    assert short["gap"] is None and short["time_to_first_s"] is None and short["gap_10s"] is None
    assert whole["gap"] == pytest.approx(0.1) and whole["time_to_first_s"] == 0.5
    assert "0/1 OK (1 with shortfalls)" in family_table([short])


def test_ratios_compare_our_cpsat_with_each_plain_peer_at_the_same_worker_count() -> None:
    """Ours against HiGHS and the reference at the same worker count; None where one never got there."""

    def run(
        peer: str, workers: int | None, first: float, to_1pct: float | None, params: tuple[str, ...] = ()
    ) -> dict[str, Any]:
        return {"week": "w", "peer": peer, "workers": workers, "label": peer_label(peer, workers, params),
                "gap": 0.0, "time_to_first_s": first, "time_to_gap_1pct_s": to_1pct}  # fmt: skip

    records = [
        run("cpsat", 1, 2.0, None), run("cpsat", 2, 1.0, 4.0),
        run("cpsat", 2, 2.0, 8.0, ("symmetry_level=0",)), run("cpsat-ref", 1, 1.0, 8.0),
        run("cpsat-ref", 2, 4.0, 40.0), run("highs", None, 2.0, 8.0),
    ]  # fmt: skip
    rows = {row["cpsat"]: row for row in ratios(records)}
    assert set(rows) == {"cpsat/1w", "cpsat/2w", "cpsat[symmetry_level=0]/2w"}
    assert rows["cpsat[symmetry_level=0]/2w"]["time_to_gap_1pct_s/cpsat-ref"] == pytest.approx(0.2)
    assert rows["cpsat/2w"]["time_to_gap_1pct_s/cpsat-ref"] == pytest.approx(0.1)
    assert rows["cpsat/2w"]["time_to_gap_1pct_s/highs"] == pytest.approx(0.5)
    assert rows["cpsat/2w"]["time_to_first_s/cpsat-ref"] == pytest.approx(0.25)
    assert rows["cpsat/1w"]["time_to_first_s/cpsat-ref"] == pytest.approx(2.0)
    assert rows["cpsat/1w"]["time_to_gap_1pct_s/highs"] is None
    assert "only ours (4.0 s)" in ratio_table(ratios([*records, run("cpsat-ref", 2, 4.0, None)][1:]))


def test_ratios_time_ours_to_each_plain_peers_own_final_gap() -> None:
    """Where no one reaches 1 %, ours is still timed to the gap the plain peer ended with."""

    def run(peer: str, workers: int | None, events: list[list[float]], **extra: Any) -> dict[str, Any]:
        label = peer_label(peer, workers)
        return {"week": "w", "family": "F", "peer": peer, "workers": workers, "label": label, "run": "ok",
                "status": "FEASIBLE", "time_limit_s": 60.0, "objective": events[-1][1], "has_roster": True,
                "checker_ok": True, "events": events, **extra}  # fmt: skip

    ours = run("cpsat", 2, [[1.0, 130, None], [5.0, 110, None], [30.0, 104, 100]])
    reference = run("cpsat-ref", 2, [[2.0, 140, None], [40.0, 120, 90]])
    highs = run("highs", None, [[10.0, 150, 95]])
    short = run("cpsat-ref", 1, [[1.0, 100, None]], shortfalls_declared=3)
    records = [ours, reference, highs, run("cpsat", 1, [[3.0, 125, None]]), short]
    add_gaps(records)
    rows = {row["cpsat"]: row for row in ratios(records)}
    # cpsat-ref ends at 120 (gap 1/6 against 100), reached at 40 s; ours is that close at 5 s.
    assert rows["cpsat/2w"]["to_their_gap/cpsat-ref"] == pytest.approx(5.0 / 40.0)
    assert rows["cpsat/2w"]["to_their_gap/highs"] == pytest.approx(1.0 / 10.0)  # 130 is within 1/3 of 100
    assert rows["cpsat/2w"]["time_to_gap_1pct_s/cpsat-ref"] is None  # no one reached 1 %
    assert rows["cpsat/1w"]["to_their_gap/highs"] == pytest.approx(3.0 / 10.0)
    assert rows["cpsat/1w"]["to_their_gap/cpsat-ref"] is None  # its roster declares shortfalls: no gap
    assert "| 0.12 |" in ratio_table(ratios(records))


def test_every_run_of_ours_is_judged_against_its_familys_targets() -> None:
    """Proofs, gaps at a checkpoint, first rosters, memory, and a 1 % gap before the plain peers."""

    def run(week: str, family: str, peer: str, events: list[list[float]], **extra: Any) -> dict[str, Any]:
        workers = 2 if peer.startswith("cpsat") else None
        return {"week": week, "family": family, "peer": peer, "workers": workers,
                "label": peer_label(peer, workers), "run": "ok", "status": "FEASIBLE", "time_limit_s": 60.0,
                "objective": events[-1][1], "has_roster": True, "checker_ok": True, "events": events,
                "patients": 3, **extra}  # fmt: skip

    records = [
        run("s1", "S", "cpsat", [[0.5, 110, 90], [4.0, 100, 100]]),  # proven at 4 s
        run("s2", "S", "cpsat", [[0.5, 110, 90], [28.0, 100, 100]]),  # proven at 28 s
        run("m1", "M", "cpsat", [[1.0, 120, 100], [10.0, 100.5, 100]]),  # 0.5 % from 10 s
        run("m1", "M", "cpsat-ref", [[2.0, 130, 80], [50.0, 101, 80]]),  # 1 % at 50 s
        run("m1", "M", "highs", [[5.0, 140, 90]]),  # never within 1 %
        run("m2", "M", "cpsat", [[1.0, 110, 100], [40.0, 102, 100]]),  # 2 % at 60 s: never 1 %
        run("x1", "XL", "cpsat", [[8.0, 110, 100], [50.0, 103, 100]], peak_rss_mb=1600.0),
        run("t1", "tight", "cpsat", [[1.0, 100, 90]]),  # no targets: not judged
    ]
    add_gaps(records)
    targets = {
        "S": Targets(proven_within_s=5.0),
        "M": Targets(gap_at={60.0: 0.005}, sooner_to_gap=0.01),
        "XL": Targets(first_roster_within_s=30.0, gap_at={300.0: 0.05}, peak_memory_gib=4.0),
    }
    weeks = {
        r["week"]: {"targets": targets[r["family"]].as_dict()} for r in records if r["family"] in targets
    }
    text = targets_section(records, weeks)
    assert "**S**: every target met in 1 of 2 runs." in text
    assert "| s1 | 0 | cpsat/2w | yes: 4.0 s |" in text and "| s2 | 0 | cpsat/2w | no: 28.0 s |" in text
    assert "**M**: every target met in 1 of 2 runs." in text
    assert "| m1 | 0 | cpsat/2w | yes: 0.5% | yes: 10.0 s (highs never, cpsat-ref 0.20×) |" in text
    assert "| m2 | 0 | cpsat/2w | no: 2.0% | no plain peer in this run |" in text
    # A 60 s run of an XL week says nothing of its gap at 300 s; what it shows is judged.
    assert "| x1 | 0 | cpsat/2w | yes: 8.0 s | a 60 s run | yes: 1.56 GiB |" in text
    assert "**XL**: every target met in 1 of 1 runs." in text and "t1" not in text
    assert targets_section(records, {}) == ""


def test_runs_of_one_machine_merge_into_one_report_with_gaps_derived_again(tmp_path: Path) -> None:
    """A week's reference bound is the best of every merged run; other machines are refused."""
    machine = {"cores": 2, "cpu": "x", "ortools": "9"}

    def part(name: str, peer: str, bound: float, machine: dict[str, Any]) -> Path:
        record = {"week": "w", "family": "F", "patients": 3, "peer": peer, "label": peer, "run": "ok",
                  "status": "FEASIBLE", "time_limit_s": 60.0, "objective": 100, "best_bound": bound,
                  "has_roster": True, "checker_ok": True, "events": [[1.0, 100, bound]],
                  "gap": 0.5, "reference_bound": bound}  # fmt: skip
        probe = {"at": name, "build_s": 0.4, "search_s": 2.2, "deterministic_s": 2.0}
        settings = {
            "command": f"bench {name}",
            "weeks": {"w": {"family": "F"}},
            "speed": {"before": probe, "after": probe} if name == "a" else {},
        }
        document = {"machine": machine, "finished": name, "runs": [record], "settings": settings}  # fmt: skip
        (tmp_path / name).mkdir()
        (tmp_path / name / "results.json").write_text(json.dumps(document))
        return tmp_path / name

    first, second = part("a", "highs", 80.0, machine), part("b", "cpsat", 90.0, machine)
    records, settings, finished = merge_results([first, second])
    assert [r["reference_bound"] for r in records] == [90.0, 90.0]
    assert [r["gap"] for r in records] == [pytest.approx(0.1)] * 2
    assert settings["command"] == "bench a && bench b" and finished == "b"
    assert list(settings["speed"]) == ["a before", "a after"]  # b was run before speed probes
    assert "a before 0.40 s / 2.20 s (a); a after" in speed.describe(settings["speed"])
    with pytest.raises(ValueError, match="different machines"):
        merge_results([first, part("c", "greedy", 0.0, {**machine, "cores": 8})])


def test_the_speed_probe_times_the_same_work_on_any_machine() -> None:
    """The probe's model is fixed, and its search stops at a fixed deterministic time, not a wall clock's."""
    assert str(speed.probe_model().proto) == str(speed.probe_model().proto)
    assert str(speed.probe_model(seed=8).proto) != str(speed.probe_model().proto)
    probe = speed.measure()
    assert probe["deterministic_s"] == pytest.approx(speed.SEARCH_DETERMINISTIC_S, rel=0.05)
    assert probe["build_s"] > 0 and probe["search_s"] > 0


def test_cpsat_parameters_are_typed_by_cp_sats_own_schema() -> None:
    """NAME=VALUE gets the field's type, lists comma-separated; a typo is an error, not a silent default."""
    assert parse_parameter("subsolvers=max_lp_sym, default_lp") == (
        "subsolvers",
        ["max_lp_sym", "default_lp"],
    )
    assert parse_parameter("linearization_level=2") == ("linearization_level", 2)
    assert parse_parameter("use_lns_only=true") == ("use_lns_only", True)
    assert parse_parameter("relative_gap_limit=0.01") == ("relative_gap_limit", 0.01)
    assert parse_parameter("search_branching=FIXED_SEARCH") == ("search_branching", 1)
    for text, expected in (
        ("linearization_level", "NAME=VALUE"),
        ("linearisation_level=2", "not a CP-SAT parameter"),
        ("linearization_level=two", "linearization_level='two'"),
        ("use_lns_only=yes", "true or false"),
        ("search_branching=SIDEWAYS", "FIXED_SEARCH"),
    ):
        with pytest.raises(ValueError, match=expected):
            parse_parameter(text)


def test_cpsat_parameters_reach_our_peer_only(tiny_week: tuple[BenchWeek, Path], tmp_path: Path) -> None:
    """--cpsat-param names and changes the cpsat runs; the reference keeps CP-SAT's defaults."""
    week, _ = tiny_week
    specs = plan(
        [week],
        ["cpsat", "cpsat-ref"],
        [1],
        10.0,
        cache_dir=tmp_path,
        cpsat_parameters=("max_time_in_seconds=1e-9",),
    )
    assert [s.label() for s in specs] == ["cpsat[max_time_in_seconds=1e-9]/1w", "cpsat-ref/1w"]
    starved, reference = (run_one(s, timeout=60) for s in specs)
    assert starved["cpsat_parameters"] == ["max_time_in_seconds=1e-9"] and reference["cpsat_parameters"] == []
    assert starved["run"] == "ok" and not starved["has_roster"]  # the override stopped the search at once
    assert reference["status"] == "OPTIMAL" and reference["objective"] == 37


def test_several_seeds_run_everything_once_per_seed_and_pair_by_seed(
    tiny_week: tuple[BenchWeek, Path], tmp_path: Path
) -> None:
    """Each seed is a run of its own, the seed reaches the solver, and ratios pair runs of one seed."""
    week, _ = tiny_week
    specs = plan([week], ["cpsat", "cpsat-ref"], [2], 5.0, seeds=[3, 4], cache_dir=tmp_path)
    assert [(s.label(), s.seed) for s in specs] == [
        ("cpsat/2w", 3), ("cpsat-ref/2w", 3), ("cpsat/2w", 4), ("cpsat-ref/2w", 4),
    ]  # fmt: skip
    records = [run_one(s, timeout=60) for s in specs]
    assert [r["seed"] for r in records] == [3, 3, 4, 4] and all(r["checker_ok"] for r in records)
    add_gaps(records)
    rows = ratios(records)
    assert [(row["seed"], row["cpsat"]) for row in rows] == [(3, "cpsat/2w"), (4, "cpsat/2w")]
    assert family_table(records).count("| 2/2 OK |") == 2  # one line per peer, over both seeds
    probe = {"at": "now", "build_s": 0.4, "search_s": 2.2, "deterministic_s": 2.0}
    weeks = {"tiny": {"family": "T", "targets": Targets(proven_within_s=60.0).as_dict()}}
    settings = {"command": "test", "speed": {"before": probe}, "weeks": weeks}
    written = write_report(records, settings, tmp_path / "out")
    summary = (tmp_path / "out" / "summary.md").read_text()
    assert "| tiny | 4 | 6 | cpsat/2w |" in summary and "lower is faster): before 0.40 s / 2.20 s" in summary
    assert "## Targets" in summary and "**T**: every target met in 2 of 2 runs." in summary
    assert {p.name for p in written} >= {"summary.md", "gap-T.png"}


def test_bench_command_rejects_unknown_names() -> None:
    """Unknown suites, peers, CP-SAT parameters, bad worker counts or seeds: usage errors (exit 2)."""
    for args in (
        ["--suite", "nope"],
        ["--peers", "gurobi"],
        ["--workers", "two"],
        ["--cpsat-param", "nope=1"],
        ["--seed", "one"],
        ["--seed", "1,1"],
        ["--week-seeds", "4,x"],
        ["--week-seeds", "4,4"],
    ):
        result = CliRunner().invoke(main, ["bench", *args])
        assert result.exit_code == 2, result.output
