"""End-to-end through the command line (Click's runner and a real subprocess)."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest
import yaml
from click.testing import CliRunner

from optimizer.cli import main
from optimizer.roster import load_roster
from optimizer.scenario import load_scenario
from tests.factories import SCENARIOS, make_patient, tiny_document

SMALL = SCENARIOS / "lighthouse-small.yaml"


def run(*args: str) -> tuple[int, str]:
    result = CliRunner().invoke(main, list(args))
    return result.exit_code, result.output


def test_solve_then_check_the_small_example(tmp_path: Path) -> None:
    """solve writes roster.json and the CSV views, and check accepts the roster."""
    code, output = run("solve", str(SMALL), "-o", str(tmp_path), "--time-limit", "5")
    assert code == 0, output
    for name in ("roster.json", "sessions.csv", "patients.csv", "therapists.csv", "shortfalls.csv"):
        assert (tmp_path / name).stat().st_size > 0
    assert "hours met" in output and "IOP 24/24" in output
    document = json.loads((tmp_path / "roster.json").read_text())
    assert list(document) == ["format", "scenario", "week_of", "solver", "sessions", "shortfalls"]
    assert set(document["solver"]) == {"status", "objective", "best_bound", "wall_time_s"}
    code, output = run("check", str(SMALL), str(tmp_path / "roster.json"))
    assert code == 0 and "OK: 0 violations" in output


def test_infeasible_week_strict_writes_nothing(tmp_path: Path) -> None:
    """With --strict, a week with no roster exits 4, says why, and leaves no output behind."""
    document = tiny_document(patients=[make_patient("P1", days=("mon",), min_hours=6)])
    scenario = tmp_path / "week.yaml"
    scenario.write_text(yaml.safe_dump(document))
    code, output = run("solve", str(scenario), "-o", str(tmp_path / "out"), "--time-limit", "5", "--strict")
    assert code == 4 and "cannot be rostered" in output and "P1" in output
    assert not (tmp_path / "out").exists()


def test_a_time_limit_too_short_for_any_roster_says_so(tmp_path: Path) -> None:
    """No roster and no proof within the limit: exit 4, nothing written, and the advice to allow more time.

    One worker counts deterministic time, so a tenth of a unit ends before the first
    roster on every machine.
    """
    out = tmp_path / "out"
    code, output = run("solve", str(SMALL), "-o", str(out), "--workers", "1", "--time-limit", "0.1")
    assert code == 4, output
    assert "none proven impossible within 0.1 s" in output and "try a longer --time-limit" in output
    assert not out.exists()


def test_ctrl_c_before_the_first_roster_says_so(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Interrupted with nothing found: exit 4, nothing written, and no advice about the time limit."""
    from optimizer import cli
    from optimizer.solve import SolveResult
    from optimizer.workflow import Outcome

    nothing = SolveResult("UNKNOWN", None, None, 0.2, 0.1, {}, None, interrupted=True)
    monkeypatch.setattr(cli, "solve_verified", lambda *args, **kwargs: Outcome(nothing, None, None))
    out = tmp_path / "out"
    code, output = run("solve", str(SMALL), "-o", str(out))
    assert code == 4, output
    assert "interrupted before the first roster" in output and "--time-limit" not in output
    assert not out.exists()


def test_infeasible_week_gets_a_best_effort_roster(tmp_path: Path) -> None:
    """Without --strict: a roster with its shortfall declared (exit 3), which check accepts."""
    document = tiny_document(
        patients=[make_patient(f"P{i}", days=("mon",), min_hours=6 if i == 1 else 3) for i in range(1, 4)]
    )
    scenario = tmp_path / "week.yaml"
    scenario.write_text(yaml.safe_dump(document))
    code, output = run("solve", str(scenario), "-o", str(tmp_path / "out"), "--time-limit", "10")
    assert code == 3, output
    roster = load_roster(tmp_path / "out" / "roster.json")
    assert [(s.patient, s.rule, s.required, s.scheduled) for s in roster.shortfalls] == [("P1", "H4", 6, 3)]
    code, output = run("check", str(scenario), str(tmp_path / "out" / "roster.json"))
    assert code == 0 and "1 declared shortfall(s) verified" in output


def test_weights_and_formats_from_the_command_line(tmp_path: Path) -> None:
    """--weight changes the objective; --formats json writes only roster.json."""
    document = tiny_document(patients=[make_patient(f"P{i}") for i in range(1, 5)])
    scenario = tmp_path / "week.yaml"
    scenario.write_text(yaml.safe_dump(document))
    code, output = run(
        "solve",
        str(scenario),
        "-o",
        str(tmp_path / "o"),
        "--weight",
        "sessions=7",
        "--formats",
        "json",
        "--time-limit",
        "5",
    )
    assert code == 0, output
    assert sorted(p.name for p in (tmp_path / "o").iterdir()) == ["roster.json"]
    assert load_roster(tmp_path / "o" / "roster.json").solver.objective == 7  # one session, weight 7
    code, output = run("solve", str(scenario), "--weight", "nonsense=3")
    assert code == 2 and "--weight" in output


def test_solve_refuses_to_overwrite_an_input(tmp_path: Path) -> None:
    """An output folder holding the scenario's own tables is refused (nothing the user gave is modified)."""
    folder = tmp_path / "tables"
    folder.mkdir()
    (folder / "week.yaml").write_text((SCENARIOS / "riverbend-tables" / "riverbend.yaml").read_text())
    for table in (SCENARIOS / "riverbend-tables").glob("*.csv"):
        (folder / table.name).write_text(table.read_text())
    before = (folder / "patients.csv").read_text()
    code, output = run("solve", str(folder / "week.yaml"), "-o", str(folder), "--time-limit", "2")
    assert code == 2 and "input file" in output
    assert (folder / "patients.csv").read_text() == before


def test_generate_writes_a_week_that_solves(tmp_path: Path) -> None:
    """generate writes a loadable week (with --planted, a roster check accepts)."""
    week, planted = tmp_path / "big.yaml", tmp_path / "planted.json"
    code, output = run(
        "generate", "--patients", "40", "--seed", "7", "-o", str(week), "--planted", str(planted)
    )
    assert code == 0, output
    assert len(load_scenario(week).patients) == 40
    code, output = run("check", str(week), str(planted))
    assert code == 0, output


@pytest.mark.parametrize("tables", ["csv", "xlsx"])
def test_generate_tables(tmp_path: Path, tables: str) -> None:
    """generate --tables writes tables beside the scenario that load back."""
    week = tmp_path / "week.yaml"
    code, output = run("generate", "--patients", "20", "--tables", tables, "-o", str(week))
    assert code == 0, output
    assert len(load_scenario(week).patients) == 20


def test_python_dash_m_runs_the_same_cli() -> None:
    """`python -m optimizer` is the same CLI as `iop-roster`."""
    done = subprocess.run(
        [sys.executable, "-m", "optimizer", "--help"], capture_output=True, text=True, check=False
    )
    assert done.returncode == 0
    for command in ("solve", "check", "generate"):
        assert command in done.stdout


def test_one_worker_runs_are_reproducible_even_when_stopped_by_the_limit(tmp_path: Path) -> None:
    """--workers 1 --seed N: two runs stopped by the time limit write identical sessions."""
    runs = []
    for n in range(2):
        code, output = run(
            "solve",
            str(SMALL),
            "-o",
            str(tmp_path / str(n)),
            "--workers",
            "1",
            "--seed",
            "3",
            "--time-limit",
            "2",
        )
        assert code == 0, output
        runs.append(json.loads((tmp_path / str(n) / "roster.json").read_text())["sessions"])
    assert runs[0] == runs[1]


def test_csv_cells_that_look_like_formulas_are_made_inert(tmp_path: Path) -> None:
    """A patient named '=HYPERLINK(...)' is written to CSV with a leading quote, not as a formula."""
    patients = [
        make_patient(f"P{i}", name='=HYPERLINK("http://x")' if i == 1 else f"N{i}") for i in range(1, 5)
    ]
    scenario = tmp_path / "week.yaml"
    scenario.write_text(yaml.safe_dump(tiny_document(patients=patients)))
    code, output = run(
        "solve", str(scenario), "-o", str(tmp_path / "o"), "--formats", "csv", "--time-limit", "5"
    )
    assert code == 0, output
    text = (tmp_path / "o" / "patients.csv").read_text()
    assert "'=HYPERLINK" in text and ",=HYPERLINK" not in text


def test_solve_may_write_beside_its_scenario(tmp_path: Path) -> None:
    """Only the scenario's own files are protected: writing into its folder is allowed."""
    scenario = tmp_path / "week.yaml"
    scenario.write_text(yaml.safe_dump(tiny_document(patients=[make_patient(f"P{i}") for i in range(1, 5)])))
    (tmp_path / "notes.json").write_text("{}")  # an unrelated file beside it
    code, output = run(
        "solve", str(scenario), "-o", str(tmp_path), "--formats", "json,csv", "--time-limit", "5"
    )
    assert code == 0, output
    assert (tmp_path / "roster.json").exists()


def test_roster_with_badly_typed_shortfalls_is_an_input_error(tmp_path: Path) -> None:
    """A shortfall with text where a number belongs is a located input error (exit 2), not a crash."""
    scenario = tmp_path / "week.yaml"
    scenario.write_text(yaml.safe_dump(tiny_document(patients=[make_patient(f"P{i}") for i in range(1, 5)])))
    roster = {
        "format": "iop-roster/1",
        "scenario": "Tiny",
        "week_of": "2026-11-30",
        "solver": {"status": "FEASIBLE", "objective": 0, "best_bound": 0, "wall_time_s": 0},
        "sessions": [],
        "shortfalls": [{"patient": "P1", "rule": "H4", "required": "9", "scheduled": 0, "reason": "x"}],
    }
    (tmp_path / "roster.json").write_text(json.dumps(roster))
    code, output = run("check", str(scenario), str(tmp_path / "roster.json"))
    assert code == 2 and "shortfalls[0]" in output and "Traceback" not in output


def test_gap_stops_early_and_is_not_called_optimal(tmp_path: Path) -> None:
    """--gap stops at a proven gap; a roster stopped that way is FEASIBLE unless its gap is 0."""
    code, output = run(
        "solve", str(SMALL), "-o", str(tmp_path), "--formats", "json", "--gap", "0.5", "--time-limit", "60"
    )
    assert code == 0, output
    solver = json.loads((tmp_path / "roster.json").read_text())["solver"]
    gap = (solver["objective"] - solver["best_bound"]) / max(1, solver["objective"])
    assert gap <= 0.5 + 1e-9 and solver["wall_time_s"] < 60
    assert (solver["status"] == "OPTIMAL") == (gap == 0)


def test_stall_watcher_counts_from_the_last_improvement() -> None:
    """The stall clock restarts at every better roster and does not run before the first one."""
    from optimizer.solve import _Watcher

    watcher = _Watcher(None)
    assert not watcher.stalled(0.0)  # no roster yet: nothing to keep
    watcher.improved = 0.0  # as if the last better roster came at the start of time
    assert watcher.stalled(5.0)
    assert not watcher.stalled(None)
