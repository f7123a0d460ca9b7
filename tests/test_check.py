"""The independent checker, rule by rule, on a hand-made week and hand-edited rosters.

The week below is small enough to verify by hand. Its valid roster is written out
session by session; every broken case is a deepcopy of it with one hand edit that
breaks one rule on purpose, and the checker must name that rule, the people and
the session. The last tests drive ``iop-roster check`` as a user would.
"""

from __future__ import annotations

import copy
import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
import yaml
from click.testing import CliRunner

from optimizer.check import OBJECTIVE_TERMS, check_roster
from optimizer.cli import main
from optimizer.roster import roster_from_dict
from optimizer.scenario import Scenario, ScenarioError, scenario_from_dict

Doc = dict[str, Any]
Edit = Callable[[Doc], None]

ALL_BLOCKS = {"mon": ["morning", "evening"], "tue": ["morning", "evening"], "wed": ["morning", "evening"]}

# Session ids of the valid roster.
G1 = "G-mon-morning-process-1"  # T2;     P1 P2 P3     room A
G2 = "G-mon-morning-recovery-1"  # T1+C1; P4 P5 P6     room Studio (reserved for recovery)
G3 = "G-tue-evening-process-1"  # T1;     P2 P4 P5 P6  room A
G4 = "G-wed-evening-process-1"  # T2;     P1 P3 P7     room A


def scenario_document() -> Doc:
    """Three days, two 3-hour blocks, two group types, three rooms, five clinicians, eight patients.

    Level 'short' keeps the hour sums small (3-10 h on 1-3 days, one group block a
    day); a few patients override it so that each rule can be broken by one edit.
    """
    adult = {"level": "short", "track": "adult", "availability": ALL_BLOCKS}
    return {
        "program": {
            "name": "Checker Test IOP",
            "week_of": "2026-11-30",
            "timezone": "America/Chicago",
            "days": ["mon", "tue", "wed"],
            "blocks": {
                "morning": {"start": "09:00", "end": "12:00"},
                "evening": {"start": "17:00", "end": "20:00"},
            },
        },
        "levels": {
            "short": {"min_hours": 3, "max_hours": 10, "min_days": 1, "max_days": 3, "max_blocks_per_day": 1}
        },
        "group_types": [
            {
                "id": "process",
                "qualification": "SUD",
                "min_size": 3,
                "max_size": 4,
                "tracks": ["adult"],
                "per_patient_week": {"min": 1, "max": 2},
            },
            {
                "id": "recovery",
                "staff": {"trauma": 1, "peer-support": 1},
                "min_size": 3,
                "max_size": 4,
                "tracks": ["adult"],
                "per_patient_week": {"min": 0, "max": 1},
            },
        ],
        "rooms": [
            {"id": "A", "capacity": 4},
            {"id": "B", "capacity": 2},
            {"id": "Studio", "capacity": 4, "group_types": ["recovery"]},
        ],
        "therapists": [
            {
                "id": "T1",
                "qualifications": ["SUD", "trauma", "family"],
                "max_hours": 20,
                "availability": ALL_BLOCKS,
            },
            # T2's max_hours equals T2's load in the valid roster: any extra hour breaks H3.
            {"id": "T2", "qualifications": ["SUD"], "max_hours": 10, "availability": ALL_BLOCKS},
            # T3 works nowhere in the valid roster; it is the wrong clinician for H7 cases.
            {"id": "T3", "qualifications": ["DBT"], "max_hours": 10, "availability": ALL_BLOCKS},
            {
                "id": "C1",
                "role": "coach",
                "qualifications": ["peer-support"],
                "max_hours": 10,
                "availability": ALL_BLOCKS,
            },
            {"id": "MD", "role": "prescriber", "max_hours": 4, "availability": {"mon": ["evening"]}},
        ],
        "patients": [
            {"id": "P1", **adult, "primary_therapist": "T1", "preferred_blocks": ["morning"]},
            {"id": "P2", **adult, "primary_therapist": "T2", "min_hours": 7, "max_blocks_per_day": 2},
            {
                "id": "P3",
                **adult,
                "primary_therapist": "T2",
                "availability": {"mon": ["morning"], "tue": ["morning"], "wed": ["morning", "evening"]},
            },
            {"id": "P4", **adult, "primary_therapist": "T1", "preferred_blocks": ["evening"]},
            {"id": "P5", **adult, "primary_therapist": "T1"},
            {"id": "P6", **adult, "primary_therapist": "T2", "min_days": 3},
            {"id": "P7", **adult, "primary_therapist": "T2", "max_hours": 6},
            {
                "id": "A1",
                "level": "short",
                "track": "adolescent",
                "availability": ALL_BLOCKS,
                "primary_therapist": "T1",
                "family_per_week": 1,
                "psychiatric_per_week": 1,
                "min_hours": 2,
                "preferred_blocks": ["evening"],
            },
        ],
    }


def group(
    ident: str, day: str, block: str, type_: str, room: str | None, staff: list[str], patients: list[str]
) -> Doc:
    """A SPEC §4 group session of a 3-hour block."""
    start, end = {"morning": ("09:00", "12:00"), "evening": ("17:00", "20:00")}[block]
    return {
        "id": ident,
        "kind": "group",
        "type": type_,
        "day": day,
        "start": start,
        "end": end,
        "room": room,
        "track": "adult",
        "therapists": staff,
        "patients": patients,
    }


def appointment(kind: str, patient: str, clinician: str, day: str, start: str, end: str, n: int = 1) -> Doc:
    """A SPEC §4 appointment: one clinician, one patient, no room, no track."""
    return {
        "id": f"A-{patient}-{kind}-{n}",
        "kind": kind,
        "type": kind,
        "day": day,
        "start": start,
        "end": end,
        "room": None,
        "track": None,
        "therapists": [clinician],
        "patients": [patient],
    }


def valid_roster_document() -> Doc:
    """A roster meeting every hard rule of ``scenario_document()``, worked out by hand.

    Hours (groups 3 h, individual and family 1 h, psychiatric 30 min not counted):
    P1 G1+G4+ind = 7, P2 G1+G3+ind = 7 (its own minimum), P3 G1+G4+ind = 7,
    P4/P5/P6 G2+G3+ind = 7, P7 G4+ind = 4 (its own maximum is 6), A1 ind+family = 2.
    Loads: T1 G2+G3 + 5 appointments = 11 h of 20, T2 G1+G4 + 4 = 10 h of 10,
    C1 3 h, MD 0.5 h, T3 nothing.
    """
    return {
        "format": "iop-roster/1",
        "scenario": "Checker Test IOP",
        "week_of": "2026-11-30",
        "solver": {"status": "FEASIBLE", "objective": None, "best_bound": None, "wall_time_s": 0.0},
        "sessions": [
            group(G1, "mon", "morning", "process", "A", ["T2"], ["P1", "P2", "P3"]),
            group(G2, "mon", "morning", "recovery", "Studio", ["T1", "C1"], ["P4", "P5", "P6"]),
            group(G3, "tue", "evening", "process", "A", ["T1"], ["P2", "P4", "P5", "P6"]),
            group(G4, "wed", "evening", "process", "A", ["T2"], ["P1", "P3", "P7"]),
            appointment("individual", "A1", "T1", "mon", "17:00", "18:00"),
            appointment("family", "A1", "T1", "mon", "18:00", "19:00"),
            appointment("psychiatric", "A1", "MD", "mon", "19:00", "19:30"),
            appointment("individual", "P7", "T2", "mon", "17:00", "18:00"),
            appointment("individual", "P1", "T1", "wed", "09:00", "10:00"),
            appointment("individual", "P2", "T2", "wed", "09:00", "10:00"),
            appointment("individual", "P3", "T2", "wed", "10:00", "11:00"),
            appointment("individual", "P4", "T1", "wed", "10:00", "11:00"),
            appointment("individual", "P5", "T1", "wed", "11:00", "12:00"),
            appointment("individual", "P6", "T2", "wed", "11:00", "12:00"),
        ],
        "shortfalls": [],
    }


@pytest.fixture
def scenario_doc() -> Doc:
    return scenario_document()


@pytest.fixture
def scenario(scenario_doc: Doc) -> Scenario:
    return scenario_from_dict(scenario_doc)


@pytest.fixture
def valid() -> Doc:
    return valid_roster_document()


def test_hand_made_scenario_is_valid(scenario: Scenario) -> None:
    """The hand-made week passes scenario validation, with the patient overrides in place."""
    assert [p.id for p in scenario.patients] == ["P1", "P2", "P3", "P4", "P5", "P6", "P7", "A1"]
    assert scenario.level_of(scenario.patients[1]).min_hours == 7


def test_valid_roster_has_no_violations(scenario: Scenario, valid: Doc) -> None:
    """The hand-written valid roster passes every hard rule."""
    report = check_roster(scenario, roster_from_dict(valid))
    assert [str(v) for v in report.violations] == []
    assert report.ok
    assert report.by_rule() == {}


# -- edits: each takes the roster document and changes it in place ----------------------------


def _session(doc: Doc, ident: str) -> Doc:
    matches = [s for s in doc["sessions"] if s["id"] == ident]
    assert len(matches) == 1, ident
    return matches[0]


def change(ident: str, **fields: Any) -> Edit:
    """Set fields of one session."""

    def edit(doc: Doc) -> None:
        _session(doc, ident).update(fields)

    return edit


def add_patients(ident: str, *patients: str) -> Edit:
    """Add patients to one session."""

    def edit(doc: Doc) -> None:
        _session(doc, ident)["patients"].extend(patients)

    return edit


def remove_patient(ident: str, patient: str) -> Edit:
    """Take a patient out of one session."""

    def edit(doc: Doc) -> None:
        _session(doc, ident)["patients"].remove(patient)

    return edit


def delete(ident: str) -> Edit:
    """Remove one session."""

    def edit(doc: Doc) -> None:
        doc["sessions"].remove(_session(doc, ident))

    return edit


def append(session: Doc) -> Edit:
    """Add a session."""

    def edit(doc: Doc) -> None:
        doc["sessions"].append(copy.deepcopy(session))

    return edit


def copy_of(ident: str, **fields: Any) -> Edit:
    """Add a copy of a session (same id), with some fields changed."""

    def edit(doc: Doc) -> None:
        doc["sessions"].append({**copy.deepcopy(_session(doc, ident)), **fields})

    return edit


def case(name: str, edit: Edit, *fragments: str, also: tuple[str, ...] = ()) -> Any:
    """A broken roster: its name starts with the rule it breaks; every fragment must show in one
    violation of that rule; ``also`` lists rules the same edit breaks as a consequence."""
    return pytest.param(edit, name.split("-")[0], fragments, also, id=name)


# P2's individual session moved into P2's Tuesday evening group (also used by a CLI test).
P2_AT_G3 = change("A-P2-individual-1", day="tue", start="17:00", end="18:00")
CASES = [
    # H1: nobody and no room in two sessions at once.
    case("H1-patient-in-two-sessions", P2_AT_G3, "patient P2", G3, "A-P2-individual-1"),
    case(
        "H1-therapist-double-booked",
        change("A-A1-individual-1", day="tue", start="17:00", end="18:00"),
        "therapist T1",
        G3,
        "A-A1-individual-1",
    ),
    case("H1-room-double-booked", change(G2, room="A"), "room A", G1, G2),
    case(
        "H1-patient-listed-twice", change(G1, patients=["P1", "P1", "P2", "P3"]), "patient P1 is listed twice"
    ),
    # H2: inside everyone's availability, inside a block.
    case(
        "H2-patient-unavailable",
        change("A-P3-individual-1", day="mon", start="18:00", end="19:00"),
        "patient P3 is not available mon evening",
        "A-P3-individual-1",
    ),
    case(
        "H2-therapist-unavailable",
        change("A-A1-psychiatric-1", start="09:00", end="09:30"),
        "therapist MD is not available mon morning",
        "A-A1-psychiatric-1",
    ),
    # A session outside every block is set aside, so the visit also counts as missing (H8).
    case(
        "H2-outside-any-block",
        change("A-A1-psychiatric-1", start="13:00", end="13:30"),
        "A-A1-psychiatric-1",
        "13:00",
        "does not lie inside any block",
        also=("H8",),
    ),
    # H3: T2 takes over T1's group: 10 h + 3 h > 10 h.
    case(
        "H3-therapist-over-max-hours",
        change(G3, therapists=["T2"]),
        "therapist T2 works 13 h",
        "max_hours is 10",
    ),
    # H4: P2 needs 7 h (its own minimum); P7 may have at most 6 h (its own maximum).
    case("H4-under-min-hours", remove_patient(G3, "P2"), "patient P2 gets 4 h", "7–10"),
    case("H4-over-max-hours", add_patients(G1, "P7"), "patient P7 gets 7 h", "3–6"),
    # H5: P6 must come on all 3 days; one group block a day.
    case(
        "H5-too-few-days",
        change("A-P6-individual-1", day="mon", start="18:00", end="19:00"),
        "patient P6 attends on 2 days",
    ),
    case("H5-two-group-blocks-a-day", change(G2, day="tue"), "patient P4 has groups in 2 blocks on tue"),
    # H6: size, track and room of groups.
    case("H6-below-min-size", remove_patient(G2, "P4"), G2, "2 patients", "recovery needs 3–4"),
    case("H6-above-max-size", add_patients(G4, "P4", "P5"), G4, "5 patients", "process needs 3–4"),
    case("H6-mixed-tracks", add_patients(G1, "A1"), G1, "patient A1", "'adolescent'", "'adult'"),
    case("H6-track-not-allowed", change(G1, track="adolescent"), G1, "track 'adolescent' is not allowed"),
    case("H6-room-too-small", change(G1, room="B"), G1, "room B seats 2", "has 3"),
    case("H6-group-without-room", change(G3, room=None), G3, "needs a room"),
    # H7: staffing, rooms suited to the type, the right clinician for appointments.
    case("H7-leader-unqualified", change(G3, therapists=["T3"]), G3, "T3", "SUD"),
    case("H7-cofacilitated-without-peer-support", change(G2, therapists=["T1"]), G2, "T1", "peer-support"),
    case(
        "H7-room-reserved-for-another-type", change(G4, room="Studio"), G4, "Studio", "reserved for recovery"
    ),
    case(
        "H7-not-primary-therapist",
        change("A-P3-individual-1", therapists=["T3"]),
        "A-P3-individual-1",
        "P3 is with T3, not the primary therapist T2",
    ),
    case(
        "H7-psychiatric-without-prescriber",
        change("A-A1-psychiatric-1", therapists=["T3"]),
        "A-A1-psychiatric-1",
        "T3",
        "needs a prescriber",
    ),
    case(
        "H7-family-without-family-qualification",
        change("A-A1-family-1", therapists=["T3"]),
        "A-A1-family-1",
        "T3 lacks qualification 'family'",
    ),
    # H8: exactly the appointments each patient needs.
    case("H8-missing-appointment", delete("A-P3-individual-1"), "patient P3 has 0 individual", "needs 1"),
    case(
        "H8-extra-appointment",
        append(appointment("individual", "P1", "T1", "mon", "19:00", "20:00", n=2)),
        "patient P1 has 2 individual",
        "needs 1",
    ),
    case(
        "H8-unrequested-appointment-kind",
        append(appointment("family", "P5", "T1", "mon", "19:00", "20:00")),
        "patient P5 has 1 family",
        "needs 0",
    ),
    # H9: per-week bounds of each group type, once a day.
    case("H9-above-per-week-max", add_patients(G4, "P2"), "patient P2 attends process 3 time(s)", "1–2"),
    case("H9-twice-on-one-day", change(G1, day="tue"), "patient P2 attends process 2 times on tue", G1, G3),
    case("H9-below-per-week-min", remove_patient(G3, "P4"), "patient P4 attends process 0 time(s)", "1–2"),
    # Structure: ids, clock times and the grid.
    case(
        "FORMAT-unknown-patient",
        append(appointment("individual", "P99", "T1", "wed", "17:00", "18:00")),
        "A-P99-individual-1",
        "unknown patient P99",
    ),
    # The copy is still checked like any session: one appointment too many, one hour too many.
    case(
        "FORMAT-duplicate-session-id",
        copy_of("A-P7-individual-1", day="tue"),
        "A-P7-individual-1",
        "used twice",
        also=("H3", "H8"),
    ),
    # Unreadable times set the session aside, so the visit also counts as missing (H8).
    case(
        "FORMAT-not-a-clock-time",
        change("A-A1-psychiatric-1", start="7pm"),
        "A-A1-psychiatric-1",
        "7pm",
        also=("H8",),
    ),
    case(
        "TIME-group-not-at-block-start",
        change(G4, start="18:00"),
        G4,
        "evening block's start",
        "180 min",
        "18:00–20:00",
    ),
    case(
        "TIME-appointment-off-grid",
        change("A-A1-psychiatric-1", start="19:15", end="19:45"),
        "A-A1-psychiatric-1",
        "30-min grid",
        "19:15–19:45",
    ),
]


@pytest.mark.parametrize(("edit", "rule", "fragments", "also"), CASES)
def test_checker_catches_rule_broken_on_purpose(
    scenario: Scenario, valid: Doc, edit: Edit, rule: str, fragments: tuple[str, ...], also: tuple[str, ...]
) -> None:
    """One hand edit breaks one rule; the checker reports that rule, its people and session."""
    broken = copy.deepcopy(valid)
    edit(broken)
    report = check_roster(scenario, roster_from_dict(broken))
    shown = [str(v) for v in report.violations]
    assert not report.ok
    assert rule in report.by_rule(), shown
    assert set(report.by_rule()) <= {rule, *also}, shown
    hits = [s for v, s in zip(report.violations, shown, strict=True) if v.rule == rule]
    assert any(all(f in s for f in fragments) for s in hits), hits
    for v, s in zip(report.violations, shown, strict=True):
        assert s.startswith(v.rule), s
        if v.session is not None:
            assert f"[{v.session}]" in s


def test_every_hard_rule_has_a_broken_case() -> None:
    """The cases above cover H1-H9 and the structural checks."""
    covered = {param.values[1] for param in CASES}
    assert covered == {"H1", "H2", "H3", "H4", "H5", "H6", "H7", "H8", "H9", "FORMAT", "TIME"}


def test_the_valid_roster_is_untouched_by_the_cases(valid: Doc) -> None:
    """Every case edits a deepcopy: the fixture roster stays the hand-written one."""
    assert valid == valid_roster_document()


def test_one_violation_per_problem_for_several_edits(scenario: Scenario, valid: Doc) -> None:
    """Independent edits in one roster are each reported once, rule by rule."""
    broken = copy.deepcopy(valid)
    change(G1, room="B")(broken)  # H6
    change(G4, room="Studio")(broken)  # H7
    delete("A-P3-individual-1")(broken)  # H8
    report = check_roster(scenario, roster_from_dict(broken))
    assert report.by_rule() == {"H6": 1, "H7": 1, "H8": 1}, [str(v) for v in report.violations]


def test_objective_terms_recomputed_by_hand(scenario: Scenario, valid: Doc) -> None:
    """The soft terms and the weighted objective of the valid roster match a hand count."""
    report = check_roster(scenario, roster_from_dict(valid))
    expected = {
        # Distinct group blocks over the week beyond max_blocks_per_day, per patient:
        # P1 and P3 (G1 morning, G4 evening), P4, P5, P6 (G2 morning, G3 evening) use
        # 2 blocks with an allowance of 1: 1 each; P2 also uses 2 but may use 2 a day
        # (own override): 0; P7 only evening: 0; A1 has no groups. Total 5.
        "block_consistency": 5,
        # Distinct first-listed leaders minus one, per (block, group type, track):
        # (morning, process, adult) T2; (morning, recovery, adult) T1;
        # (evening, process, adult) T1 in G3 and T2 in G4: 1. Total 1.
        "continuity": 1,
        # Group sessions opened: G1-G4.
        "sessions": 4,
        # Per role with two or more clinicians able to work, the highest load in whole
        # percent of max_hours: therapists T1 11/20 h = 55, T2 10/10 h = 100, T3 0 -> 100;
        # the coach C1 and the prescriber MD are alone in their roles and do not count.
        "load_balance": 100,
        # (session, patient) pairs outside the patient's preferred blocks: P1 (morning)
        # in G4 (evening): 1; P4 (evening) in G2 and its 10:00 individual session: 2;
        # A1 (evening) has everything on Monday evening: 0. Total 3.
        "preferences": 3,
        # No previous roster given, so nothing can have changed against it.
        "stability": 0,
    }
    assert tuple(report.terms) == OBJECTIVE_TERMS
    assert report.terms == expected
    # Default weights: block_consistency 5, continuity 2, sessions 10, load_balance 1, preferences 1.
    assert report.objective == 5 * 5 + 2 * 1 + 10 * 4 + 1 * 100 + 1 * 3 == 170


def test_objective_weights_can_be_overridden(scenario: Scenario, valid: Doc) -> None:
    """Weights given to the checker replace the scenario's, term by term."""
    report = check_roster(scenario, roster_from_dict(valid), weights={"sessions": 0, "load_balance": 0})
    assert report.objective == 5 * 5 + 2 * 1 + 1 * 3


# -- the command line -------------------------------------------------------------------------


def write_inputs(tmp_path: Path, scenario_doc: Doc, roster: Doc | str) -> tuple[Path, Path]:
    """scenario.yaml and roster.json in ``tmp_path``; a string roster is written as is."""
    scenario_path = tmp_path / "scenario.yaml"
    scenario_path.write_text(yaml.safe_dump(scenario_doc, sort_keys=False), encoding="utf-8")
    roster_path = tmp_path / "roster.json"
    text = roster if isinstance(roster, str) else json.dumps(roster, indent=2)
    roster_path.write_text(text, encoding="utf-8")
    return scenario_path, roster_path


@pytest.fixture
def run_check(monkeypatch: pytest.MonkeyPatch) -> Callable[[Path, Path], Any]:
    """`iop-roster check SCENARIO ROSTER`, with output 80 columns wide as in a pipe or CI log.

    Rich reads COLUMNS when it prints; fixing it keeps the layout the same whether
    the tests run in a wide terminal or not.
    """
    monkeypatch.setenv("COLUMNS", "80")

    def run(scenario_path: Path, roster_path: Path) -> Any:
        return CliRunner().invoke(main, ["check", str(scenario_path), str(roster_path)])

    return run


def test_cli_check_valid_roster(tmp_path: Path, scenario_doc: Doc, valid: Doc, run_check: Any) -> None:
    """`check` on the valid roster exits 0 and says OK with the recomputed objective."""
    result = run_check(*write_inputs(tmp_path, scenario_doc, valid))
    assert result.exit_code == 0, result.output
    assert "OK: 0 violations" in result.output
    assert "objective 170" in result.output
    assert "Traceback" not in result.output


def test_cli_check_broken_roster_prints_one_line_per_violation(
    tmp_path: Path, scenario: Scenario, scenario_doc: Doc, valid: Doc, run_check: Any
) -> None:
    """`check` on a broken roster prints each violation on its own line and exits 1."""
    broken = copy.deepcopy(valid)
    change(G1, room="B")(broken)  # H6
    change(G4, room="Studio")(broken)  # H7
    delete("A-P3-individual-1")(broken)  # H8
    remove_patient(G3, "P4")(broken)  # H9
    expected = [str(v) for v in check_roster(scenario, roster_from_dict(broken)).violations]
    assert len(expected) == 4
    result = run_check(*write_inputs(tmp_path, scenario_doc, broken))
    assert result.exit_code == 1, result.output
    lines = result.output.splitlines()
    for line in expected:
        assert lines.count(line) == 1, (line, lines)
    rule_lines = [line for line in lines if line.split(" ")[0].rstrip(":") in {"H6", "H7", "H8", "H9"}]
    assert rule_lines == expected
    assert "4 violation(s) (H6 1, H7 1, H8 1, H9 1)" in result.output
    assert "OK" not in result.output


def test_cli_check_long_violation_stays_on_one_line(
    tmp_path: Path, scenario: Scenario, scenario_doc: Doc, valid: Doc, run_check: Any
) -> None:
    """A violation longer than a terminal line is still printed as one line."""
    broken = copy.deepcopy(valid)
    P2_AT_G3(broken)  # H1, a long message
    (expected,) = [str(v) for v in check_roster(scenario, roster_from_dict(broken)).violations]
    assert len(expected) > 80
    result = run_check(*write_inputs(tmp_path, scenario_doc, broken))
    assert result.exit_code == 1, result.output
    assert expected in result.output.splitlines(), result.output


@pytest.mark.parametrize(
    ("text", "fragment"),
    [
        pytest.param("{not json", "invalid JSON", id="not-json"),
        pytest.param(None, "sessions[0]: missing room, patients", id="session-missing-keys"),
        pytest.param(json.dumps(["a", "list"]), "expected a mapping", id="not-a-mapping"),
    ],
)
def test_cli_check_malformed_roster(
    tmp_path: Path, scenario_doc: Doc, valid: Doc, run_check: Any, text: str | None, fragment: str
) -> None:
    """A malformed roster.json exits 2 with an error naming the file, never a traceback."""
    if text is None:
        broken = copy.deepcopy(valid)
        del broken["sessions"][0]["room"], broken["sessions"][0]["patients"]
        text = json.dumps(broken)
    scenario_path, roster_path = write_inputs(tmp_path, scenario_doc, text)
    result = run_check(scenario_path, roster_path)
    assert result.exit_code == 2, result.output
    # Rich wraps long problem lines at the console width; the file name must be there all the same.
    unwrapped = result.output.replace("\n", "")
    assert str(roster_path) in unwrapped
    assert fragment in unwrapped
    assert "Traceback" not in result.output
    assert result.exception is None or isinstance(result.exception, SystemExit)


def test_roster_with_missing_session_keys_names_them(valid: Doc) -> None:
    """roster_from_dict names the session index and each missing key."""
    del valid["sessions"][0]["room"]
    with pytest.raises(ScenarioError) as caught:
        roster_from_dict(valid, "roster.json")
    (problem,) = caught.value.problems
    assert problem.file == "roster.json"
    assert problem.item == "sessions[0]"
    assert "missing room" in problem.message
