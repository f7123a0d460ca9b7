"""The scenario loader's error messages for broken inputs (SPEC §2).

Each error names the file, the item or row, the field and what was expected; several
errors are reported together; the CLI exits with code 2 and prints no traceback.
Every broken case is a small edit of one valid base scenario, written into tmp_path.
"""

from __future__ import annotations

import copy
import dataclasses
import datetime as dt
import json
import time
from pathlib import Path
from typing import Any

import pytest
import yaml
from click.testing import CliRunner
from hypothesis import given, settings
from hypothesis import strategies as st

from optimizer.cli import main
from optimizer.scenario import Problem, Scenario, ScenarioError, load_scenario

BASE: dict[str, Any] = {
    "program": {
        "name": "Test IOP",
        "week_of": "2026-11-30",  # a Monday
        "timezone": "America/Chicago",
        "days": ["mon", "tue", "wed", "thu", "fri"],
        "blocks": {
            "morning": {"start": "09:00", "end": "12:00"},
            "evening": {"start": "17:00", "end": "20:00"},
        },
    },
    "group_types": [{"id": "process", "min_size": 1, "max_size": 8}],
    "rooms": [{"id": "A", "capacity": 10}],
    "therapists": [
        {
            "id": "T01",
            "qualifications": ["SUD"],
            "max_hours": 32,
            "availability": {"mon": ["morning"], "tue": ["evening"]},
        },
        {"id": "MD1", "role": "prescriber", "max_hours": 8, "availability": {"wed": ["evening"]}},
    ],
    "patients": [
        {
            "id": "P001",
            "level": "IOP",
            "track": "adult",
            "availability": {"mon": ["morning"], "tue": ["evening"]},
            "primary_therapist": "T01",
        },
        {"id": "P002", "level": "IOP", "track": "adult", "availability": {"wed": ["evening"]}},
    ],
}

SCENARIO = "scenario.yaml"
DELETE = object()  # an edit value that removes the key

PATIENTS_CSV = (
    "id,level,track,mon,tue,wed,primary_therapist\n"
    "P001,IOP,adult,morning,evening,,T01\n"
    "P002,IOP,adult,,afternoon,evening,\n"
)

# 9 x 9 aliases: under the alias budget, but expanded it would be 9**9 strings.
CLASSIC_BOMB = (
    "["
    + ", ".join(
        ["&a [lol, lol, lol, lol, lol, lol, lol, lol, lol]"]
        + [f"&{chr(98 + i)} [{', '.join(['*' + chr(97 + i)] * 9)}]" for i in range(8)]
    )
    + "]"
)
# 12 levels of 20 aliases: over the budget of 200, refused before anything is built.
BIG_BOMB = "a0: &a0 [lol]\n" + "".join(
    f"a{i + 1}: &a{i + 1} [{', '.join([f'*a{i}'] * 20)}]\n" for i in range(12)
)


def edited(edits: dict[str, Any]) -> dict[str, Any]:
    """A deep copy of BASE with ``{"dotted.path.0.key": value}`` edits applied."""
    doc = copy.deepcopy(BASE)
    for dotted, value in edits.items():
        *parents, last = [int(p) if p.isdigit() else p for p in dotted.split(".")]
        target: Any = doc
        for part in parents:
            target = target[part]
        if value is DELETE:
            del target[last]
        else:
            target[last] = copy.deepcopy(value)
    return doc


def dump_yaml(doc: dict[str, Any]) -> str:
    return yaml.safe_dump(doc, sort_keys=False, allow_unicode=True)


@dataclasses.dataclass(frozen=True)
class Case:
    """One broken input and the problem the loader must report for it."""

    id: str
    item: str | None
    field: str | None
    expect: tuple[str, ...]  # fragments the message must contain (what was expected)
    edits: dict[str, Any] = dataclasses.field(default_factory=dict)
    text: str | bytes | None = None  # raw scenario text instead of the edited BASE
    name: str = SCENARIO  # scenario file name (.yaml or .json)
    files: dict[str, str] = dataclasses.field(default_factory=dict)  # tables written beside it
    file: str | None = None  # file the problem must name (default: the scenario)
    count: int | None = 1  # exact number of errors, None: at least the expected one


CASES = [
    Case(
        "patient-unknown-field",
        "patients[1] (id P002)",
        "colour",
        ("unknown field", "expected one of", "primary_therapist", "preferred_blocks"),
        edits={"patients.1.colour": "red"},
    ),
    Case(
        "unknown-top-level-section",
        None,
        None,
        ("unknown section 'staff'", "expected one of", "patients", "therapists"),
        edits={"staff": []},
    ),
    Case(
        "unknown-primary-therapist",
        "patients[1] (id P002)",
        "primary_therapist",
        ("unknown therapist 'T99'", "expected one of T01, MD1"),
        edits={"patients.1.primary_therapist": "T99"},
    ),
    Case(
        "availability-unknown-block",
        "patients[1] (id P002)",
        "availability.tue",
        ("unknown block 'afternoon'", "expected one of morning, evening"),
        edits={"patients.1.availability.tue": ["afternoon"]},
    ),
    Case(
        "availability-day-not-a-program-day",
        "therapists[0] (id T01)",
        "availability.sat",
        ("'sat' is not a program day", "expected one of mon, tue, wed, thu, fri"),
        edits={"therapists.0.availability.sat": ["morning"]},
    ),
    Case(
        "unknown-level",
        "patients[1] (id P002)",
        "level",
        ("unknown level 'ICU'", "expected one of IOP, PHP"),
        edits={"patients.1.level": "ICU"},
    ),
    Case(
        "duplicate-patient-id",
        "patients[1] (id P001)",
        "id",
        ("duplicate id 'P001'", "patients[0] (id P001)", "expected unique ids"),
        edits={"patients.1.id": "P001"},
    ),
    Case(
        "duplicate-therapist-id",
        "therapists[1] (id T01)",
        "id",
        ("duplicate id 'T01'", "therapists[0] (id T01)", "expected unique ids"),
        edits={"therapists.1": {**BASE["therapists"][0], "name": "Second T01"}},
    ),
    Case(
        "overlapping-blocks",
        "program",
        "blocks.midday",
        ("overlaps block 'morning'", "09:00–12:00", "expected blocks that do not overlap"),
        edits={"program.blocks.midday": {"start": "11:00", "end": "14:00"}},
    ),
    Case(
        "block-ends-before-it-starts",
        "program",
        "blocks.evening",
        ("must end after it starts", "20:00–17:00"),
        edits={"program.blocks.evening": {"start": "20:00", "end": "17:00"}},
    ),
    Case(
        "block-time-not-hh-mm",
        "program",
        "blocks.morning.start",
        ("expected a time of day as HH:MM", "'9am'"),
        edits={"program.blocks.morning.start": "9am"},
    ),
    Case(
        "program-day-unknown",
        "program",
        "days[1]",
        ("'mon', 'tue'", "'sun'", "'funday'"),
        edits={"program.days": ["mon", "funday"]},
    ),
    Case(
        "group-type-duration-fits-no-block",
        "group_types[0] (id process)",
        "duration_min",
        ("240 min does not fit any block", "the longest block is 180 min"),
        edits={"group_types.0.duration_min": 240},
    ),
    Case(
        "appointment-duration-fits-no-block",
        "appointments.individual",
        "duration_min",
        ("240 min does not fit any block",),
        edits={"appointments": {"individual": {"duration_min": 240}}},
    ),
    Case(
        # The field is not set: the check spans two fields, the message names both.
        "group-min-size-above-max-size",
        "group_types[0] (id process)",
        "min_size",
        ("min_size 9 exceeds max_size 8",),
        edits={"group_types.0.min_size": 9},
    ),
    Case(
        "therapist-negative-max-hours",
        "therapists[0] (id T01)",
        "max_hours",
        ("greater than or equal to 0", "-1"),
        edits={"therapists.0.max_hours": -1},
    ),
    Case(
        "therapist-hours-not-whole-minutes",
        "therapists[0] (id T01)",
        "max_hours",
        ("expected hours in whole minutes", "10.333"),
        edits={"therapists.0.max_hours": 10.333},
    ),
    Case(
        "level-min-hours-above-max-hours",
        "levels.IOP",
        "min_hours",
        ("min_hours 14 exceeds max_hours 12",),
        edits={"levels": {"IOP": {"min_hours": 14, "max_hours": 12}}},
    ),
    Case(
        "week-of-not-a-monday",
        "program",
        "week_of",
        ("expected a Monday", "Tuesday", "2026-11-30"),
        edits={"program.week_of": "2026-12-01"},
    ),
    Case(
        "week-of-not-a-date",
        "program",
        "week_of",
        ("valid date", "'next monday'"),
        edits={"program.week_of": "next monday"},
    ),
    Case(
        "unknown-timezone",
        "program",
        "timezone",
        ("unknown time zone 'Mars/Olympus'", "expected an IANA name"),
        edits={"program.timezone": "Mars/Olympus"},
    ),
    Case(
        "room-unknown-group-type",
        "rooms[0] (id A)",
        "group_types",
        ("unknown group type 'art'", "expected one of process"),
        edits={"rooms.0.group_types": ["art"]},
    ),
    Case(
        "preferred-block-unknown",
        "patients[0] (id P001)",
        "preferred_blocks",
        ("unknown block 'night'", "expected one of morning, evening"),
        edits={"patients.0.preferred_blocks": ["night"]},
    ),
    Case(
        "primary-therapist-is-a-prescriber",
        "patients[0] (id P001)",
        "primary_therapist",
        ("MD1 is a prescriber", "expected a clinician with role therapist"),
        edits={"patients.0.primary_therapist": "MD1"},
    ),
    Case(
        "patient-required-field-missing",
        "patients[0] (id P001)",
        "level",
        ("required field is missing",),
        edits={"patients.0.level": DELETE},
    ),
    Case(
        "lock-session-not-a-mapping",
        "locked[0]",
        "session",
        ("valid dictionary",),
        edits={"locked": [{"session": "process-mon-morning"}]},
    ),
    Case(
        "lock-names-unknown-group-type",
        "locked[0]",
        "session.type",
        ("unknown group type 'nope'", "expected one of process"),
        edits={
            "locked": [{"patient": "P001", "session": {"day": "mon", "block": "morning", "type": "nope"}}]
        },
    ),
    Case(
        "previous-roster-missing",
        None,
        "previous_roster",
        ("no roster file at",),
        edits={"previous_roster": "last-week.json"},
    ),
    Case(
        "csv-table-bad-row",
        "row 3 (id P002)",
        "availability.tue",
        ("unknown block 'afternoon'", "expected one of morning, evening"),
        edits={"patients": "patients.csv"},
        files={"patients.csv": PATIENTS_CSV},
        file="patients.csv",
    ),
    Case(
        "csv-table-unknown-column",
        "row 2 (id P001)",
        "colour",
        ("unknown field", "expected one of", "primary_therapist"),
        edits={"patients": "patients.csv"},
        files={"patients.csv": "id,level,track,colour\nP001,IOP,adult,red\n"},
        file="patients.csv",
    ),
    Case(
        "csv-table-missing-file",
        None,
        None,
        ("cannot read the file",),
        edits={"patients": "nowhere.csv"},
        file="nowhere.csv",
    ),
    Case(
        "table-path-escapes-folder",
        None,
        "patients",
        ("'../x.csv'", "must be relative and stay inside"),
        edits={"patients": "../x.csv"},
    ),
    Case(
        "table-path-absolute",
        None,
        "patients",
        ("'/etc/patients.csv'", "must be relative and stay inside"),
        edits={"patients": "/etc/patients.csv"},
    ),
    Case(
        "table-not-csv-or-xlsx",
        None,
        "patients",
        ("expected a .csv or .xlsx table", "'patients.txt'"),
        edits={"patients": "patients.txt"},
    ),
    Case(
        "yaml-syntax-error",
        None,
        None,
        ("line 3:", "invalid YAML"),
        text="program:\n  name: [unclosed\n  week_of: 2026-11-30\n",
    ),
    Case(
        "yaml-duplicate-key",
        None,
        None,
        ("line 3:", "duplicate key 'name'"),
        text="program:\n  name: A\n  name: B\n",
    ),
    Case(
        "yaml-python-tag",
        None,
        None,
        ("line 1:", "invalid YAML", "python/object"),
        text="program: !!python/object/apply:os.system ['true']\n",
    ),
    Case(
        "yaml-alias-bomb-over-budget",
        None,
        None,
        ("more than 200 YAML aliases", "refusing to expand"),
        text=BIG_BOMB,
    ),
    Case(
        "yaml-classic-billion-laughs-in-a-field",
        "patients[0] (id P001)",
        "name",
        ("valid string",),
        text=dump_yaml(edited({"patients.0.name": "BOMB"})).replace("BOMB", CLASSIC_BOMB),
    ),
    Case(
        "top-level-is-a-list",
        None,
        None,
        ("expected a mapping of sections at the top",),
        text="- program\n- patients\n",
    ),
    Case(
        "empty-file",
        None,
        None,
        ("expected a mapping of sections at the top",),
        text="",
    ),
    Case(
        "not-utf8",
        None,
        None,
        ("not UTF-8 text",),
        text="program:\n  name: Café IOP\n".encode("latin-1"),
    ),
    Case(
        "json-unknown-level",
        "patients[1] (id P002)",
        "level",
        ("unknown level 'ICU'", "expected one of IOP, PHP"),
        text=json.dumps(edited({"patients.1.level": "ICU"})),
        name="scenario.json",
    ),
    Case(
        "json-duplicate-key",
        None,
        None,
        ("duplicate key 'name'",),
        text='{"program": {"name": "A", "name": "B"}}',
        name="scenario.json",
    ),
    Case(
        "json-syntax-error",
        None,
        None,
        ("line 2:", "invalid JSON"),
        text='{"program":\n  {"name": }}',
        name="scenario.json",
    ),
]


def write_case(directory: Path, case: Case) -> Path:
    for name, content in case.files.items():
        (directory / name).write_text(content, encoding="utf-8")
    path = directory / case.name
    text = dump_yaml(edited(case.edits)) if case.text is None else case.text
    if isinstance(text, bytes):
        path.write_bytes(text)
    else:
        path.write_text(text, encoding="utf-8")
    return path


def problems_of(path: Path) -> list[Problem]:
    with pytest.raises(ScenarioError) as info:
        load_scenario(path)
    return info.value.problems


def squash(text: str) -> str:
    """Text without whitespace, so that line wrapping by the console does not matter."""
    return "".join(text.split())


def test_base_scenario_is_valid(tmp_path):
    """The base that every broken case edits loads without errors."""
    path = tmp_path / SCENARIO
    path.write_text(dump_yaml(BASE), encoding="utf-8")
    scenario = load_scenario(path)
    assert [p.id for p in scenario.patients] == ["P001", "P002"]
    assert scenario.program.week_of == dt.date(2026, 11, 30)


def test_corpus_is_large_enough():
    """The corpus has at least 20 broken inputs with distinct ids."""
    assert len(CASES) >= 20
    assert len({case.id for case in CASES}) == len(CASES)


@pytest.mark.parametrize("case", CASES, ids=[case.id for case in CASES])
def test_broken_input_names_file_item_field_and_expectation(tmp_path, case):
    """A broken input raises ScenarioError naming the file, item, field and what was expected."""
    path = write_case(tmp_path, case)
    started = time.perf_counter()
    problems = problems_of(path)
    assert time.perf_counter() - started < 5, "loading a broken input must be quick"
    listing = "\n".join(map(repr, problems))
    assert all(p.severity == "error" for p in problems), listing
    if case.count is not None:
        assert len(problems) == case.count, listing
    expected_file = str(tmp_path / (case.file or case.name))
    matches = [p for p in problems if p.item == case.item and p.field == case.field]
    assert matches, f"no problem with item {case.item!r} and field {case.field!r} in:\n{listing}"
    problem = matches[0]
    assert problem.file == expected_file, listing
    for fragment in case.expect:
        assert fragment in problem.message, f"{fragment!r} not in {problem.message!r}"
    shown = str(problem)
    assert shown.startswith(expected_file)
    if case.item:
        assert case.item in shown
    if case.field:
        assert f"field '{case.field}'" in shown


def test_unquoted_clock_times_load_as_times(tmp_path):
    """Unquoted 17:00 and 09:00 are times, not YAML 1.1 sexagesimal numbers."""
    path = tmp_path / SCENARIO
    text = dump_yaml(BASE).replace("'17:00'", "17:00").replace("'12:00'", "12:00")
    text = text.replace("'09:00'", "09:00").replace("'20:00'", "20:00")
    assert "end: 12:00" in text
    assert "start: 17:00" in text
    path.write_text(text, encoding="utf-8")
    blocks = load_scenario(path).program.blocks
    assert (blocks["morning"].start, blocks["morning"].end) == ("09:00", "12:00")
    assert (blocks["evening"].start, blocks["evening"].end) == ("17:00", "20:00")


def test_yaml_1_1_booleans_stay_text(tmp_path):
    """A name such as 'no' or 'on' stays text instead of turning into a boolean."""
    path = tmp_path / SCENARIO
    path.write_text(dump_yaml(BASE).replace("name: Test IOP", "name: no"), encoding="utf-8")
    assert load_scenario(path).program.name == "no"


def test_csv_table_loads_and_labels_rows(tmp_path):
    """A good CSV patients table loads, availability columns included."""
    path = write_case(
        tmp_path,
        Case(
            "good-csv",
            None,
            None,
            (),
            edits={"patients": "patients.csv"},
            files={"patients.csv": PATIENTS_CSV.replace("afternoon", "evening")},
        ),
    )
    patients = load_scenario(path).patients
    assert [p.id for p in patients] == ["P001", "P002"]
    assert patients[1].availability == {"tue": ["evening"], "wed": ["evening"]}


def test_several_item_problems_are_reported_together(tmp_path):
    """Problems in different items and sections of one file come out in one ScenarioError."""
    doc = edited(
        {
            "patients.0.colour": "red",
            "patients.1.individual_per_week": -2,
            "therapists.0.max_hours": 10.333,
            "rooms.0.capacity": 0,
            "program.blocks.evening": {"start": "20:00", "end": "17:00"},
            "levels": {"IOP": {"min_hours": 14}},
        }
    )
    path = tmp_path / SCENARIO
    path.write_text(dump_yaml(doc), encoding="utf-8")
    located = {(p.item, p.field) for p in problems_of(path)}
    assert {
        ("patients[0] (id P001)", "colour"),
        ("patients[1] (id P002)", "individual_per_week"),
        ("therapists[0] (id T01)", "max_hours"),
        ("rooms[0] (id A)", "capacity"),
        ("program", "blocks.evening"),
        ("levels.IOP", "min_hours"),
    } <= located


def test_several_reference_problems_are_reported_together(tmp_path):
    """Cross-reference problems (week, time zone, level, therapist, block) are all reported."""
    doc = edited(
        {
            "program.week_of": "2026-12-02",
            "program.timezone": "Nowhere/Town",
            "patients.0.level": "ICU",
            "patients.1.primary_therapist": "T99",
            "therapists.0.availability.sat": ["night"],
        }
    )
    path = tmp_path / SCENARIO
    path.write_text(dump_yaml(doc), encoding="utf-8")
    problems = problems_of(path)
    located = {(p.item, p.field) for p in problems}
    assert {
        ("program", "week_of"),
        ("program", "timezone"),
        ("patients[0] (id P001)", "level"),
        ("patients[1] (id P002)", "primary_therapist"),
        ("therapists[0] (id T01)", "availability.sat"),
    } <= located
    assert len(problems) >= 6  # 'sat' is not a program day, and 'night' is not a block


def test_csv_rows_and_inline_items_are_reported_together(tmp_path):
    """Bad rows of a CSV table and bad inline items are reported together, each with its file."""
    path = write_case(
        tmp_path,
        Case(
            "mixed",
            None,
            None,
            (),
            edits={"patients": "patients.csv", "therapists.0.max_hours": -5},
            files={"patients.csv": "id,level,track,max_days\nP001,IOP,adult,9\nP002,IOP,adult,x\n"},
        ),
    )
    problems = problems_of(path)
    located = {(Path(p.file).name, p.item, p.field) for p in problems}
    assert {
        ("patients.csv", "row 2 (id P001)", "max_days"),
        ("patients.csv", "row 3 (id P002)", "max_days"),
        (SCENARIO, "therapists[0] (id T01)", "max_hours"),
    } <= located


CLI_CASES = [
    pytest.param(
        {"patients.1.primary_therapist": "T99"}, {}, SCENARIO, "primary_therapist", id="inline-item"
    ),
    pytest.param(
        {"patients": "patients.csv"},
        {"patients.csv": PATIENTS_CSV},
        "patients.csv",
        "availability.tue",
        id="csv-row",
    ),
]


@pytest.mark.parametrize(("edits", "files", "named_file", "field_name"), CLI_CASES)
def test_cli_solve_reports_bad_input_with_exit_code_2(tmp_path, edits, files, named_file, field_name):
    """`solve` on a broken scenario exits 2, names file and field, no traceback, writes nothing."""
    path = write_case(tmp_path, Case("cli", None, None, (), edits=edits, files=files))
    out_dir = tmp_path / "out"
    result = CliRunner().invoke(main, ["solve", str(path), "-o", str(out_dir), "--time-limit", "1"])
    assert result.exit_code == 2, result.output
    assert isinstance(result.exception, SystemExit)
    assert "Traceback" not in result.output
    assert squash(str(tmp_path / named_file)) in squash(result.stderr)
    assert f"field'{field_name}'" in squash(result.stderr)
    assert "nothing was written" in result.stderr
    assert not out_dir.exists() or not any(out_dir.iterdir())


@pytest.mark.parametrize(("edits", "files", "named_file", "field_name"), CLI_CASES)
def test_cli_check_reports_bad_input_with_exit_code_2(tmp_path, edits, files, named_file, field_name):
    """`check` on a broken scenario exits 2 and names file and field, without a traceback."""
    path = write_case(tmp_path, Case("cli", None, None, (), edits=edits, files=files))
    roster = tmp_path / "roster.json"
    roster.write_text("{}", encoding="utf-8")
    result = CliRunner().invoke(main, ["check", str(path), str(roster)])
    assert result.exit_code == 2, result.output
    assert isinstance(result.exception, SystemExit)
    assert "Traceback" not in result.output
    assert squash(str(tmp_path / named_file)) in squash(result.output)
    assert f"field'{field_name}'" in squash(result.output)


def test_cli_reports_unparsable_yaml_with_exit_code_2(tmp_path):
    """`solve` on invalid YAML exits 2 with the line number and no traceback."""
    path = tmp_path / SCENARIO
    path.write_text("program:\n  name: [unclosed\n  week_of: 2026-11-30\n", encoding="utf-8")
    out_dir = tmp_path / "out"
    result = CliRunner().invoke(main, ["solve", str(path), "-o", str(out_dir)])
    assert result.exit_code == 2, result.output
    assert "Traceback" not in result.output
    assert "line3:invalidYAML" in squash(result.stderr)
    assert not out_dir.exists()


# Regression cases: each of these once escaped as a raw exception.


def test_unquoted_impossible_date_is_an_input_error(tmp_path):
    """An unquoted impossible date (2026-02-30) is a ScenarioError, not a ValueError."""
    path = tmp_path / SCENARIO
    path.write_text(dump_yaml(BASE).replace("'2026-11-30'", "2026-02-30"), encoding="utf-8")
    with pytest.raises(ScenarioError):
        load_scenario(path)


def test_locked_entries_that_are_not_mappings_are_an_input_error(tmp_path):
    """`locked: [1]` in an otherwise valid scenario is a ScenarioError, not a pydantic ValidationError."""
    path = tmp_path / SCENARIO
    path.write_text(dump_yaml(edited({"locked": [1]})), encoding="utf-8")
    with pytest.raises(ScenarioError):
        load_scenario(path)


@pytest.mark.parametrize("zone", ["America", "x" * 300], ids=["tz-folder", "tz-name-too-long"])
def test_timezone_that_is_not_a_zone_file_is_an_input_error(tmp_path, zone):
    """A time zone naming a tzdata folder or a too-long name is a ScenarioError, not an OSError."""
    path = tmp_path / SCENARIO
    path.write_text(dump_yaml(edited({"program.timezone": zone})), encoding="utf-8")
    with pytest.raises(ScenarioError):
        load_scenario(path)


# Hostile input never crashes the loader: a Scenario or a ScenarioError, nothing else.

FUZZ_SETTINGS = settings(max_examples=100, deadline=None)
YAML_CHARS = list(" \n\t:-[]{},&*!#'\"|>?%@~.0123456789aemnorstuvyIOP")
KEYS = st.sampled_from(
    [
        "program",
        "levels",
        "group_types",
        "appointments",
        "rooms",
        "therapists",
        "patients",
        "objective",
        "locked",
        "previous_roster",
        "name",
        "week_of",
        "blocks",
        "days",
        "id",
        "start",
        "end",
        "availability",
        "mon",
        "max_hours",
        "level",
        "track",
        "capacity",
    ]
) | st.text(max_size=8)
SCALARS = (
    st.none()
    | st.booleans()
    | st.integers(-(10**20), 10**20)
    | st.floats(allow_nan=True, allow_infinity=True)
    | st.text(max_size=20)
    | st.dates()
    | st.sampled_from(["09:00", "17:00", "IOP", "mon", "morning", "T01", "../x.csv", "p.csv", "p.xlsx#S"])
)
NESTED = st.recursive(
    SCALARS,
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(KEYS, inner, max_size=5),
    max_leaves=25,
)


def assert_loads_or_reports(path: Path) -> None:
    try:
        result = load_scenario(path)
    except ScenarioError as exc:
        assert exc.problems
        for problem in exc.problems:
            assert isinstance(problem, Problem)
            assert problem.file
            assert problem.message
        assert str(exc)
    else:
        assert isinstance(result, Scenario)


@FUZZ_SETTINGS
@given(text=st.text(alphabet=st.sampled_from(YAML_CHARS), max_size=200) | st.text(max_size=200))
def test_random_text_never_crashes(tmp_path_factory, text):
    """Random text as a scenario file gives a Scenario or a ScenarioError, never another exception."""
    path = tmp_path_factory.mktemp("text") / SCENARIO
    path.write_text(text, encoding="utf-8")
    assert_loads_or_reports(path)


@FUZZ_SETTINGS
@given(document=st.dictionaries(KEYS, NESTED, max_size=6), as_json=st.booleans())
def test_random_structures_never_crash(tmp_path_factory, document, as_json):
    """Random nested mappings as YAML or JSON give a Scenario or a ScenarioError, nothing else."""
    folder = tmp_path_factory.mktemp("structure")
    if as_json:
        path = folder / "scenario.json"
        path.write_text(json.dumps(document, default=str), encoding="utf-8")
    else:
        path = folder / SCENARIO
        path.write_text(dump_yaml(document), encoding="utf-8")
    assert_loads_or_reports(path)


def _paths(node: Any, prefix: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
    found = [prefix] if prefix else []
    if isinstance(node, dict):
        for key, value in node.items():
            found += _paths(value, (*prefix, key))
    elif isinstance(node, list):
        for index, value in enumerate(node):
            found += _paths(value, (*prefix, index))
    return found


BASE_PATHS = _paths(BASE)


@FUZZ_SETTINGS
@given(replacements=st.lists(st.tuples(st.sampled_from(BASE_PATHS), NESTED), min_size=1, max_size=3))
def test_random_edits_of_the_base_never_crash(tmp_path_factory, replacements):
    """The valid base with a few values replaced by random ones never crashes the loader."""
    doc = copy.deepcopy(BASE)
    for where, value in replacements:
        target: Any = doc
        try:
            for part in where[:-1]:
                target = target[part]
            target[where[-1]] = value
        except (KeyError, IndexError, TypeError):
            continue  # an earlier replacement removed this path
    path = tmp_path_factory.mktemp("edit") / SCENARIO
    path.write_text(dump_yaml(doc), encoding="utf-8")
    assert_loads_or_reports(path)
