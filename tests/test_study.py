"""What-if studies: each change type on a tiny week, study-file errors, and the whatif command."""

from __future__ import annotations

import csv
import io
from pathlib import Path
from typing import Any

import openpyxl
import pytest
import yaml
from click.testing import CliRunner

from optimizer.cli import main
from optimizer.roster import load_roster
from optimizer.scenario import Scenario, load_scenario, scenario_from_dict
from optimizer.study import (
    BASELINE,
    StudyError,
    builtin_therapist_profile,
    quick_variants,
    study_from_dict,
    study_variants,
)
from tests.factories import SCENARIOS, make_patient, make_therapist, tiny_document


def base_week() -> Scenario:
    """The tiny week (mon, tue evening; one SUD therapist; room A) with four patients, P1 with a primary."""
    patients = [make_patient(f"P{i}") for i in range(1, 5)]
    patients[0]["primary_therapist"] = "T1"
    patients[0]["preferred_blocks"] = ["evening"]
    return scenario_from_dict(tiny_document(patients=patients))


def apply(*changes: dict[str, Any], **sections: Any) -> Any:
    """The one variant made of ``changes`` (study sections such as profiles may be given)."""
    study = study_from_dict({**sections, "variants": [{"name": "v", "changes": list(changes)}]})
    baseline, variant = study_variants(base_week(), study)
    assert baseline.name == BASELINE and baseline.scenario == base_week()
    return variant


def problems_of(*changes: dict[str, Any], base: Scenario | None = None) -> str:
    study = study_from_dict({"variants": [{"name": "bad-one", "changes": list(changes)}]}, "study.yaml")
    with pytest.raises(StudyError) as caught:
        study_variants(base or base_week(), study, "study.yaml")
    return str(caught.value)


EVENING = {"qualifications": ["SUD", "DBT"], "blocks": ["evening"], "days": ["mon"], "max_hours": 3}


def test_add_therapist_from_a_study_profile() -> None:
    """count clinicians of the profile, with fresh ids, the profile's shift and hours."""
    variant = apply({"add_therapist": {"profile": "eve", "count": 2}}, therapist_profiles={"eve": EVENING})
    added = variant.scenario.therapists[1:]
    assert [t.id for t in added] == ["new-eve-1", "new-eve-2"]
    assert all(t.qualifications == ["SUD", "DBT"] and t.max_hours == 3 for t in added)
    assert added[0].availability == {"mon": ["evening"]}
    assert "hired 2 × eve" in variant.notes[0]


def test_add_therapist_inline_skips_ids_in_use() -> None:
    """An inline profile with an id prefix that collides: the next free number is used."""
    variant = apply({"add_therapist": {"therapist": {"blocks": ["evening"]}, "id_prefix": "T"}})
    assert [t.id for t in variant.scenario.therapists] == ["T1", "T2"]


def test_builtin_profile_names_read_block_and_qualification() -> None:
    """evening-SUD: every program day in the evening, holding SUD, hours = the shift's (2 × 3 h)."""
    profile = builtin_therapist_profile("evening-SUD", base_week())
    assert profile is not None
    therapist = profile.therapist("X", base_week())
    assert therapist.qualifications == ["SUD"] and therapist.role == "therapist"
    assert therapist.availability == {"mon": ["evening"], "tue": ["evening"]}
    assert therapist.max_hours == 6
    assert builtin_therapist_profile("evening-prescriber", base_week()).role == "prescriber"  # type: ignore[union-attr]
    assert builtin_therapist_profile("night-SUD", base_week()) is None


def test_remove_therapist_frees_their_patients_primary() -> None:
    """P1's primary therapist leaves: P1 may see anyone, and the note says how many patients."""
    document = tiny_document(
        patients=[make_patient("P1", primary_therapist="T2")],
        therapists=[make_therapist("T1", ["SUD"]), make_therapist("T2", ["SUD"])],
    )
    study = study_from_dict({"variants": [{"name": "v", "changes": [{"remove_therapist": "T2"}]}]})
    variant = study_variants(scenario_from_dict(document), study)[1]
    assert [t.id for t in variant.scenario.therapists] == ["T1"]
    assert variant.scenario.patients[0].primary_therapist is None
    assert variant.notes == ("1 patient(s) had T2 as primary therapist; in this variant their individual "
                             "sessions may be with any therapist",)  # fmt: skip


def test_change_therapist_hours_qualifications_and_availability() -> None:
    variant = apply(
        {
            "change_therapist": {
                "id": "T1",
                "max_hours": 9,
                "add_qualifications": ["family"],
                "unavailable": {"tue": ["evening"]},
            }
        }
    )
    therapist = variant.scenario.therapists[0]
    assert therapist.max_hours == 9
    assert therapist.qualifications == ["SUD", "family"]
    assert therapist.availability == {"mon": ["evening"]}


def test_change_group_type_caps() -> None:
    variant = apply({"change_group_type": {"id": "process", "max_size": 10, "per_patient_week": {"min": 1}}})
    group_type = variant.scenario.group_types[0]
    assert (group_type.min_size, group_type.max_size) == (2, 10)
    assert (group_type.per_patient_week.min, group_type.per_patient_week.max) == (1, 2)


def test_rooms_added_changed_and_removed() -> None:
    added = apply({"add_room": {"id": "B", "capacity": 6, "group_types": ["process"]}})
    assert [(r.id, r.capacity) for r in added.scenario.rooms] == [("A", 8), ("B", 6)]
    changed = apply({"change_room": {"id": "A", "capacity": 3}})
    assert changed.scenario.rooms[0].capacity == 3
    removed = apply({"remove_room": "A"})
    assert removed.scenario.rooms == [] and removed.notes == ()


def test_room_closed_on_one_day_is_removed_all_week_and_says_so() -> None:
    """Rooms have no availability by day: the closest faithful change is losing the room, noted as such."""
    variant = apply({"remove_room": {"id": "A", "days": ["tue"]}})
    assert variant.scenario.rooms == []
    assert "removed for the whole week" in variant.notes[0] and "pessimistic" in variant.notes[0]


def test_add_block_makes_the_listed_people_available() -> None:
    variant = apply(
        {
            "add_block": {
                "name": "morning",
                "start": "09:00",
                "end": "12:00",
                "days": ["mon"],
                "therapists": "all",
                "patients": ["P2"],
            }
        }
    )
    week = variant.scenario
    assert list(week.program.blocks) == ["evening", "morning"]
    assert week.therapists[0].availability["mon"] == ["evening", "morning"]
    assert week.patients[1].availability["mon"] == ["evening", "morning"]
    assert week.patients[0].availability["mon"] == ["evening"]


def test_remove_block_leaves_availability_and_preferences() -> None:
    document = tiny_document(patients=[make_patient("P1", preferred_blocks=["morning"])])
    document["program"]["blocks"]["morning"] = {"start": "09:00", "end": "12:00"}
    document["patients"][0]["availability"] = {"mon": ["morning", "evening"], "tue": ["morning"]}
    study = study_from_dict({"variants": [{"name": "v", "changes": [{"remove_block": "morning"}]}]})
    week = study_variants(scenario_from_dict(document), study)[1].scenario
    assert list(week.program.blocks) == ["evening"]
    assert week.patients[0].availability == {"mon": ["evening"]}
    assert week.patients[0].preferred_blocks is None


def test_add_patients_of_a_profile() -> None:
    profile = {"level": "L", "track": "adult", "blocks": ["evening"], "individual_per_week": 0}
    variant = apply({"add_patients": {"profile": "eve", "count": 3}}, patient_profiles={"eve": profile})
    added = variant.scenario.patients[4:]
    assert [p.id for p in added] == ["new-eve-1", "new-eve-2", "new-eve-3"]
    assert all(p.name is None and p.availability == {"mon": ["evening"], "tue": ["evening"]} for p in added)


def test_levels_changed_and_patients_moved() -> None:
    variant = apply(
        {"change_level": {"id": "L", "min_hours": 6}},
        {"change_level": {"id": "short", "min_hours": 3, "max_hours": 3}},
        {"move_patients": {"from_level": "L", "to_level": "short", "count": 2}},
    )
    week = variant.scenario
    assert week.levels["L"].min_hours == 6 and week.levels["short"].max_hours == 3
    assert [p.level for p in week.patients] == ["short", "short", "L", "L"]
    assert variant.notes == ("new level of care short", "moved 2 patient(s) from L to short")


def test_the_base_week_is_never_changed() -> None:
    base = base_week()
    study = study_from_dict(
        {"variants": [{"name": "v", "changes": [{"remove_room": "A"}, {"remove_therapist": "T1"}]}]}
    )
    study_variants(base, study)
    assert base == base_week()


@pytest.mark.parametrize(
    ("change", "expected"),
    [
        ({"change_group_type": {"id": "process", "min_size": 9}},
         "variants[0] (name bad-one): field 'changes[0].change_group_type.min_size': group type process: "
         "min_size 9 exceeds max_size 4"),
        ({"remove_therapist": "T9"},
         "field 'changes[0].remove_therapist.id': unknown therapist 'T9'; expected one of T1"),
        ({"add_therapist": {"profile": "nobody"}}, "unknown therapist profile 'nobody'"),
        ({"remove_block": "evening"}, "'evening' is the only block"),
        ({"change_group_type": {"id": "process", "duration_min": 240}},
         "the changed week is not a valid scenario: group_types[0] (id process): field 'duration_min': "
         "240 min does not fit any block"),
        ({"move_patients": {"from_level": "PHP", "to_level": "L"}}, "no patient is on level 'PHP'"),
    ],
)  # fmt: skip
def test_a_variant_that_cannot_apply_is_named(change: dict[str, Any], expected: str) -> None:
    """The message names the study file, the variant, the change and the field."""
    message = problems_of(change)
    assert message.startswith("study.yaml: variants[0] (name bad-one)")
    assert expected in message


def test_quick_variants_one_per_count() -> None:
    variants = quick_variants(add_therapist=["evening-SUD"], counts=[1, 2], max_size=["process=6"])
    assert [v.name for v in variants] == ["add-1-evening-SUD", "add-2-evening-SUD", "process-max-6"]
    with pytest.raises(ValueError, match="GROUP_TYPE=N"):
        quick_variants(max_size=["process"])


def test_example_study_applies_to_riverbend() -> None:
    """The shipped study and profile fit the shipped week (every variant valid)."""
    from optimizer.study import load_patient_profile, load_study

    study = load_study(SCENARIOS / "studies" / "riverbend-staffing.yaml")
    applied = study_variants(load_scenario(SCENARIOS / "riverbend.yaml"), study)
    assert applied[0].name == BASELINE and len(applied) == len(study.variants) + 1
    profile = load_patient_profile(SCENARIOS / "studies" / "evening-adult-iop.yaml")
    assert profile.level == "IOP" and profile.blocks == ["evening"]


# -- the command ----------------------------------------------------------------------------------


def run(*args: str) -> tuple[int, str]:
    result = CliRunner().invoke(main, list(args))
    return result.exit_code, result.output


def write(path: Path, document: dict[str, Any]) -> Path:
    path.write_text(yaml.safe_dump(document, sort_keys=False))
    return path


@pytest.mark.parametrize(
    ("study", "expected"),
    [
        ({"variants": [{"name": "a", "changes": [{"add_therapist": {"profile": "x", "cuont": 2}}]}]},
         "variants[0] (name a): field 'changes[0].add_therapist.cuont': unknown field; "
         "expected one of profile"),
        ({"variants": [{"name": "a",
                        "changes": [{"remove_room": "A", "add_room": {"id": "B", "capacity": 1}}]}]},
         "field 'changes[0]': expected exactly one change type per change, got 2"),
        ({"variants": [{"name": "has space", "changes": [{"remove_room": "A"}]}]},
         "variants[0] (name has space): field 'name': expected an id of letters"),
        ({"varients": []}, "unknown section 'varients'; expected one of study, therapist_profiles"),
        ({"variants": [{"name": "comparison.csv", "changes": [{"remove_room": "A"}]}]},
         "variants[0] (name comparison.csv): field 'name': 'comparison.csv' is the name of an output file"),
        ({"variants": [{"name": "a", "changes": [{"change_group_type": {"id": "process", "max_size": 1}}]}]},
         "variants[0] (name a): field 'changes[0].change_group_type.min_size': group type process: "
         "min_size 2 exceeds max_size 1"),
    ],
)  # fmt: skip
def test_bad_study_file_exits_2_with_a_located_message(
    tmp_path: Path, study: dict[str, Any], expected: str
) -> None:
    """Unknown fields, malformed changes, variants that break the week: exit 2, no traceback, no output."""
    week = write(tmp_path / "week.yaml", tiny_document(patients=[make_patient("P1")]))
    study_file = write(tmp_path / "study.yaml", study)
    code, output = run("whatif", str(week), "--study", str(study_file), "-o", str(tmp_path / "out"))
    assert code == 2, output
    assert f"{study_file}: " in output and expected in output
    assert "Traceback" not in output
    assert not (tmp_path / "out").exists()


def test_whatif_compares_every_variant_with_the_baseline(tmp_path: Path) -> None:
    """Baseline and variants are solved independently; CSV, XLSX, HTML and a folder per variant are written.

    Four patients, groups of at most 4: the baseline runs one session. Capping the group
    at 2 needs two sessions; without the room nothing can run and the best-effort
    roster is short 3 h for each patient (12 h); a second quick variant hires a
    therapist who changes nothing about the sessions. The default objective (fewest
    sessions first) makes the session counts exact.
    """
    week = write(
        tmp_path / "week.yaml",
        tiny_document(patients=[make_patient(f"P{i}", name=f"Name{i}") for i in range(1, 5)], objective={}),
    )
    study = write(
        tmp_path / "study.yaml",
        {"study": "Tiny study",
         "variants": [{"name": "pairs", "changes": [{"change_group_type": {"id": "process", "max_size": 2}}]},
                      {"name": "no-room", "description": "The room is lost",
                       "changes": [{"remove_room": "A"}]}]},
    )  # fmt: skip
    out = tmp_path / "out"
    code, output = run(
        "whatif", str(week), "--study", str(study), "--add-therapist", "evening-SUD", "-o", str(out),
        "--time-limit", "5", "--task-workers", "1", "--jobs", "2",
    )  # fmt: skip
    assert code == 0, output
    rows = {r["name"]: r for r in csv.DictReader(io.StringIO((out / "comparison.csv").read_text()))}
    assert list(rows) == ["baseline", "pairs", "no-room", "add-1-evening-SUD"]
    assert rows["baseline"]["verdict"] == "meets every rule" and rows["baseline"]["sessions"] == "1"
    assert rows["pairs"]["sessions"] == "2"
    assert rows["no-room"]["verdict"] == "best effort (shortfalls)"
    assert rows["no-room"]["shortfall_hours"] == "12.0" and rows["no-room"]["patients_served"] == "0"
    assert rows["add-1-evening-SUD"]["staff_capacity_hours"] == "26.0"  # 20 h + a 6 h evening shift
    workbook = openpyxl.load_workbook(out / "comparison.xlsx")
    assert workbook.sheetnames == ["Comparison", "Changes"]
    assert workbook["Comparison"]["A3"].value == "baseline"
    html = (out / "comparison.html").read_text()
    assert "<svg" in html and "The room is lost" in html and "<script" not in html
    assert load_roster(out / "pairs" / "roster.json").solver.status in ("OPTIMAL", "FEASIBLE")
    assert len(load_scenario(out / "pairs" / "scenario.json").patients) == 4
    assert "Name1" not in output  # patient names stay in the views


def test_whatif_needs_something_to_compare(tmp_path: Path) -> None:
    week = write(tmp_path / "week.yaml", tiny_document(patients=[make_patient("P1")]))
    code, output = run("whatif", str(week))
    assert code == 2 and "nothing to compare" in output
