"""Rolling weeks forward: roll, diff, place, and few changes for a small census change."""

from __future__ import annotations

import json
from pathlib import Path

import yaml
from click.testing import CliRunner

from optimizer.changes import roster_changes
from optimizer.check import check_roster
from optimizer.cli import main
from optimizer.roster import load_roster
from optimizer.scenario import load_scenario, scenario_from_dict
from optimizer.scenario.models import Patient
from optimizer.solve import SolveOptions
from optimizer.workflow import place_patient, solve_verified
from tests.factories import make_patient
from tests.test_locks_and_stability import week


def run(*args: object) -> tuple[int, str]:
    result = CliRunner().invoke(main, [str(a) for a in args])
    return result.exit_code, result.output


def newcomer(ident: str = "P9") -> Patient:
    return Patient.model_validate(make_patient(ident, days=("mon", "tue", "wed"), min_hours=6))


def test_one_admission_moves_nobody_when_seats_are_free() -> None:
    """A newcomer needing one group joins a session with a free seat; nobody else moves.

    Bound: seven patients need 14 seats; groups hold at most 4, so at least four
    sessions run and at least two seats are free. The newcomer, free on those days,
    needs one 3 h group. Joining a free seat changes no one's block, leader, cohort
    or appointment, and moving others cannot improve their S1-S5 terms (last week's
    roster is optimal for them): so the optimum changes nothing, stability 0.
    """
    base = week()
    base["patients"] = base["patients"][:7]
    _, first = solve_verified_doc(base)
    free_days = sorted({s.day for s in first.roster.groups() if len(s.patients) < 4})
    assert free_days and first.result.status == "OPTIMAL"
    joined = make_patient("P9", days=tuple(free_days), min_hours=3, max_hours=6)
    after = dict(base, patients=[*base["patients"], joined])
    scenario, second = solve_verified_doc(after, previous=first.roster)
    assert second.result.status == "OPTIMAL"
    report = check_roster(scenario, second.roster, previous=first.roster)
    assert report.ok and report.terms["stability"] == 0
    moved = [c for c in roster_changes(first.roster, second.roster, scenario) if c.patient != "P9"]
    assert [c.what for c in moved] == []


def solve_verified_doc(document, previous=None):
    scenario = scenario_from_dict(document)
    # One worker counts deterministic time: the proof of optimality the tests rely on does
    # not depend on how busy the machine is.
    outcome = solve_verified(scenario, SolveOptions(time_limit=20, workers=1), previous=previous)
    assert outcome.roster is not None
    return scenario, outcome


def test_roll_round_trips_the_census(tmp_path: Path) -> None:
    """roll: a week later, discharged out, admitted in, leave as absence, this roster as previous."""
    scenario_path = tmp_path / "week.yaml"
    scenario_path.write_text(yaml.safe_dump(week()))
    code, output = run(
        "solve", scenario_path, "-o", tmp_path / "w1", "--formats", "json", "--time-limit", "5"
    )
    assert code == 0, output
    admissions = tmp_path / "admit.csv"
    admissions.write_text(
        "id,level,track,mon,tue,wed,min_hours,individual_per_week\nP20,L,adult,evening,evening,evening,6,0\n"
    )
    nxt = tmp_path / "next" / "week2.yaml"
    code, output = run(
        "roll",
        scenario_path,
        tmp_path / "w1" / "roster.json",
        "--admit",
        admissions,
        "--discharge",
        "P1,P2",
        "--leave",
        "T2:wed",
        "-o",
        nxt,
    )
    assert code == 0, output
    before, after = load_scenario(scenario_path), load_scenario(nxt)
    assert (after.program.week_of - before.program.week_of).days == 7
    assert [p.id for p in after.patients] == [p.id for p in before.patients if p.id not in ("P1", "P2")] + [
        "P20"
    ]
    assert [(lock.therapist, lock.absent) for lock in after.locked] == [("T2", ["wed"])]
    kept = nxt.parent / after.previous_roster
    assert json.loads(kept.read_text()) == json.loads((tmp_path / "w1" / "roster.json").read_text())
    code, output = run("solve", nxt, "-o", tmp_path / "w2", "--formats", "json,csv", "--time-limit", "5")
    assert code == 0, output
    assert (tmp_path / "w2" / "changes.csv").read_text().count("discharged") == 2
    assert not any(
        "T2" in s.therapists and s.day == "wed" for s in load_roster(tmp_path / "w2" / "roster.json").sessions
    )


def test_roll_rejects_unknown_people(tmp_path: Path) -> None:
    """Discharging someone who is not a patient is a located input error, and nothing is written."""
    scenario_path = tmp_path / "week.yaml"
    scenario_path.write_text(yaml.safe_dump(week()))
    run("solve", scenario_path, "-o", tmp_path / "w1", "--formats", "json", "--time-limit", "5")
    code, output = run(
        "roll",
        scenario_path,
        tmp_path / "w1" / "roster.json",
        "--discharge",
        "P99",
        "-o",
        tmp_path / "n.yaml",
    )
    assert code == 2 and "P99" in output and not (tmp_path / "n.yaml").exists()


def test_diff_of_a_roster_with_itself_is_empty(tmp_path: Path) -> None:
    """diff reports nothing between identical rosters, and each admission and discharge otherwise."""
    scenario = scenario_from_dict(week())
    outcome = solve_verified(scenario, SolveOptions(time_limit=10, workers=2))
    assert roster_changes(outcome.roster, outcome.roster, scenario) == []
    (tmp_path / "a.json").write_text(outcome.roster.to_json())
    code, output = run("diff", tmp_path / "a.json", tmp_path / "a.json")
    assert code == 0 and "No changes" in output


def test_place_offers_distinct_checked_placements_least_disturbing_first() -> None:
    """place: placements moving nobody come first; each differs for the newcomer and passes the checker."""
    scenario = scenario_from_dict(week())
    current = solve_verified(scenario, SolveOptions(time_limit=10, workers=2)).roster
    found, findings = place_patient(scenario, current, newcomer(), 3, SolveOptions(time_limit=5, workers=2))
    assert found and not findings
    assert [len(o.moves) for o in found] == sorted(len(o.moves) for o in found)
    assert found[0].moves == [] or all(o.moves for o in found)
    placements = [tuple((s.day, s.start, s.type) for s in o.sessions) for o in found]
    assert len(set(placements)) == len(placements)
    assert all(any("P9" in s.patients for s in o.roster.groups()) for o in found)


def test_place_says_why_when_nothing_fits(tmp_path: Path) -> None:
    """A newcomer who can come only on a day the program does not run gets no placement, and the reason."""
    scenario_path = tmp_path / "week.yaml"
    scenario_path.write_text(yaml.safe_dump(week()))
    run("solve", scenario_path, "-o", tmp_path / "w1", "--formats", "json", "--time-limit", "5")
    new = tmp_path / "new.yaml"
    new.write_text(yaml.safe_dump(make_patient("P9", days=("mon",), min_hours=6)))
    code, output = run(
        "place", scenario_path, tmp_path / "w1" / "roster.json", "--patient", new, "--time-limit", "3"
    )
    assert code == 4 and "P9" in output
