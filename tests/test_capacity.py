"""Capacity planning on weeks whose answer follows by hand from seats and hours."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml
from click.testing import CliRunner

from optimizer.capacity import find_capacity
from optimizer.check import check_roster
from optimizer.cli import main
from optimizer.scenario import Scenario, load_scenario, scenario_from_dict
from optimizer.solve import SolveOptions
from optimizer.study import PatientProfile
from tests.factories import make_patient, make_therapist, tiny_document

# Comes Monday and Tuesday evening (the tiny week's one block); level L needs 3 h on at
# least one day, so one 3-hour group a week is enough and no appointment is needed.
EVENING = PatientProfile(level="L", track="adult", blocks=["evening"], individual_per_week=0)
OPTIONS = SolveOptions(time_limit=5, workers=1, seed=0)


def week(therapists: list[dict[str, Any]], patients: int = 2, **sections: Any) -> Scenario:
    """The tiny week: one evening block on mon and tue, process groups of 2–4, room A (8 seats)."""
    return scenario_from_dict(
        tiny_document(
            therapists=therapists,
            patients=[make_patient(f"P{i}") for i in range(1, patients + 1)],
            **sections,
        )
    )


def resources(result: Any) -> list[str]:
    return [b.resource for b in result.binding]


def test_one_therapist_one_room_groups_of_four() -> None:
    """Seats bind: 6 more.

    One SUD therapist leads at most one group per block, and there is one room: one
    session on Monday and one on Tuesday, 4 seats each (max_size 4) = 8 seats a week.
    Every patient needs one 3-hour group (9 h of T1's 20 h is not binding). Two patients
    are enrolled, so 8 − 2 = 6 more fit; with 7 more, 9 patients need 9 seats.
    """
    result = find_capacity(week([make_therapist("T1", ["SUD"])]), EVENING, OPTIONS, ceiling=40)
    assert (result.best, result.limit, result.exact) == (6, 7, True)
    assert resources(result) == ["group seats", "rooms", "leaders"]
    assert "T1" in result.binding[2].detail
    assert any("at most 8" in line for line in result.explanation)  # the seats pre-check
    assert result.roster is not None and check_roster(result.scenario, result.roster).ok
    assert len(result.scenario.patients) == 8


def test_clinician_hours_bind() -> None:
    """T1 may work only 3 h: one session of 4 a week, so 4 − 2 = 2 more; T1's hours are what binds."""
    result = find_capacity(week([make_therapist("T1", ["SUD"], max_hours=3)]), EVENING, OPTIONS, ceiling=40)
    assert (result.best, result.limit) == (2, 3)
    assert resources(result)[0] == "clinician hours"
    assert "T1 3/3 h" in result.binding[0].detail
    assert any("clinician time" in line and "T1 3 h" in line for line in result.explanation)


def test_the_room_binds_when_a_second_leader_is_free() -> None:
    """Two leaders, one room: still one session per block, 8 seats, 6 more; the room binds, not leaders."""
    therapists = [make_therapist("T1", ["SUD"]), make_therapist("T2", ["SUD"])]
    result = find_capacity(week(therapists), EVENING, OPTIONS, ceiling=40)
    assert (result.best, result.limit) == (6, 7)
    assert resources(result) == ["group seats", "rooms"]


def test_too_few_to_fill_a_group_does_not_stop_the_search() -> None:
    """Nobody enrolled: one new patient cannot fill a group (min 2), yet 2 to 8 can.

    Bisection alone would stop at N=1; below the groups' minimum size a failure does
    not end the doubling, so the answer is 8 (two sessions of 4).
    """
    result = find_capacity(week([make_therapist("T1", ["SUD"])], patients=0), EVENING, OPTIONS, ceiling=40)
    verdicts = {p.added: p.verdict for p in result.probes}
    assert verdicts[1] == "infeasible" and verdicts[2] == "feasible"
    assert (result.best, result.limit) == (8, 9)


def test_a_week_that_cannot_be_rostered_has_no_capacity() -> None:
    """Without a SUD therapist nobody can be seated: no answer, and the reason."""
    result = find_capacity(week([make_therapist("T1", ["DBT"])]), EVENING, OPTIONS)
    assert result.best is None and result.roster is None
    assert result.explanation


def test_ceiling_reached_says_at_least() -> None:
    result = find_capacity(week([make_therapist("T1", ["SUD"])]), EVENING, OPTIONS, ceiling=3)
    assert (result.best, result.limit, result.capped) == (3, None, True)


def run(*args: str) -> tuple[int, str]:
    result = CliRunner().invoke(main, list(args))
    return result.exit_code, result.output


def test_capacity_command(tmp_path: Path) -> None:
    """The command prints the method, the answer and what binds, and writes the fuller week."""
    scenario = tmp_path / "week.yaml"
    document = tiny_document(
        therapists=[make_therapist("T1", ["SUD"], max_hours=3)],
        patients=[make_patient("P1"), make_patient("P2")],
    )
    scenario.write_text(yaml.safe_dump(document))
    profile = tmp_path / "evening.yaml"
    profile.write_text(yaml.safe_dump(EVENING.model_dump(exclude_none=True)))
    code, output = run(
        "capacity", str(scenario), "--profile", str(profile), "--time-limit", "5", "-o", str(tmp_path / "o")
    )
    assert code == 0, output
    assert "Method: bisection over full solves" in output
    assert "Answer: 2 more evening patient(s) fit with every rule met; 3 do not." in output
    assert "clinician hours: at (or too close to) their weekly maximum: T1 3/3 h" in output
    assert len(load_scenario(tmp_path / "o" / "scenario.json").patients) == 4
    assert (tmp_path / "o" / "roster.json").exists()


def test_bad_profile_exits_2_naming_the_field(tmp_path: Path) -> None:
    scenario = tmp_path / "week.yaml"
    scenario.write_text(yaml.safe_dump(tiny_document(patients=[make_patient("P1")])))
    profile = tmp_path / "p.yaml"
    profile.write_text(yaml.safe_dump({"level": "L", "track": "adult", "blocks": ["evening"], "hours": 3}))
    code, output = run("capacity", str(scenario), "--profile", str(profile))
    assert code == 2 and f"{profile}: profile: field 'hours': unknown field" in output
    profile.write_text(yaml.safe_dump({"level": "IOP9", "track": "adult", "blocks": ["evening"]}))
    code, output = run("capacity", str(scenario), "--profile", str(profile))
    assert code == 2 and "field 'level': unknown level 'IOP9'" in output
