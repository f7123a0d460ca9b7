"""The view commands end to end: solve --formats, render (checked first), --pseudonymize."""

from __future__ import annotations

import json
import re
from pathlib import Path

import openpyxl
import pytest
import yaml
from click.testing import CliRunner

from optimizer.cli import main
from optimizer.roster import roster_from_dict
from optimizer.scenario import scenario_from_dict
from optimizer.views.aliases import AliasMap
from optimizer.views.board import board_html
from tests.factories import make_patient, tiny_document
from tests.view_cases import HOSTILE_PATIENT, SUN_INDIVIDUAL, dst_roster_document, dst_week_document

IDS = ("P1", "P2", "P3", "P4")
NAMES = ("Pat <script>", "Pat &lt;script", "Bo Chen", "Cy Diaz", "Di Egan")


def run(*args: str) -> tuple[int, str]:
    result = CliRunner().invoke(main, [str(a) for a in args])
    return result.exit_code, result.output


def files_in(folder: Path) -> list[str]:
    return sorted(p.relative_to(folder).as_posix() for p in folder.rglob("*") if p.is_file())


@pytest.fixture
def tiny_week(tmp_path: Path) -> Path:
    """Four patients, one therapist, two evenings: solves in a moment."""
    path = tmp_path / "week.yaml"
    path.write_text(yaml.safe_dump(tiny_document(patients=[make_patient(f"P{i}") for i in range(1, 5)])))
    return path


@pytest.fixture
def dst_files(tmp_path: Path) -> tuple[Path, Path]:
    """The hand-made week and its checker-clean roster, as files."""
    folder = tmp_path / "in"
    folder.mkdir()
    scenario, roster = folder / "week.yaml", tmp_path / "roster" / "roster.json"
    scenario.write_text(yaml.safe_dump(dst_week_document(), allow_unicode=True))
    roster.parent.mkdir()
    roster.write_text(json.dumps(dst_roster_document()))
    return scenario, roster


def test_solve_writes_every_view_by_default(tiny_week: Path, tmp_path: Path) -> None:
    """Without --formats: roster.json, the CSV tables, the workbook, the page and a calendar per clinician."""
    code, output = run("solve", tiny_week, "-o", tmp_path / "out", "--time-limit", "5")
    assert code == 0, output
    assert files_in(tmp_path / "out") == [
        "calendars/therapist-T1.ics",
        "patients.csv",
        "roster.html",
        "roster.json",
        "roster.xlsx",
        "sessions.csv",
        "shortfalls.csv",
        "therapists.csv",
    ]
    assert "1 calendar(s)" in output


@pytest.mark.parametrize(
    ("formats", "expected"),
    [
        ("xlsx,html", ["roster.html", "roster.xlsx"]),
        (
            "csv, ics",
            [
                "calendars/therapist-T1.ics",
                "patients.csv",
                "sessions.csv",
                "shortfalls.csv",
                "therapists.csv",
            ],
        ),
        ("json,ics", ["calendars/therapist-T1.ics", "roster.json"]),
    ],
)
def test_solve_formats_writes_exactly_the_chosen_files(
    tiny_week: Path, tmp_path: Path, formats: str, expected: list[str]
) -> None:
    """--formats chooses the views; nothing else is written."""
    code, output = run("solve", tiny_week, "-o", tmp_path / "out", "--formats", formats, "--time-limit", "5")
    assert code == 0, output
    assert files_in(tmp_path / "out") == expected


def test_unknown_format_is_refused_before_solving(tiny_week: Path, tmp_path: Path) -> None:
    """A typo in --formats is exit 2 with the valid choices, and nothing is written."""
    code, output = run("solve", tiny_week, "-o", tmp_path / "out", "--formats", "html,pdf")
    assert code == 2 and "unknown format(s) pdf" in output and "json, csv, xlsx, html, ics" in output
    assert not (tmp_path / "out").exists()


def test_render_rewrites_views_from_a_roster_without_solving(
    dst_files: tuple[Path, Path], tmp_path: Path
) -> None:
    """render writes the views (not roster.json) of the given roster, the same as the library renders."""
    scenario, roster = dst_files
    code, output = run("render", scenario, roster, "-o", tmp_path / "views", "--patient-calendars")
    assert code == 0, output
    assert "checked: 0 violations" in output
    written = files_in(tmp_path / "views")
    assert "roster.json" not in written
    assert {"roster.html", "roster.xlsx", "sessions.csv", "calendars/therapist-T1.ics"} <= set(written)
    assert sum(name.startswith("calendars/patient-") for name in written) == 4
    expected = board_html(scenario_from_dict(dst_week_document()), roster_from_dict(dst_roster_document()))
    assert (tmp_path / "views" / "roster.html").read_text() == expected


def test_render_defaults_to_the_roster_folder_and_never_overwrites_its_input(
    dst_files: tuple[Path, Path],
) -> None:
    """Without -o the views go beside the roster; asking for roster.json there is refused."""
    scenario, roster = dst_files
    before = roster.read_text()
    code, output = run("render", scenario, roster, "--formats", "html")
    assert code == 0, output
    assert files_in(roster.parent) == ["roster.html", "roster.json"]
    code, output = run("render", scenario, roster, "--formats", "json,html")
    assert code == 2 and "is an input file" in output
    assert roster.read_text() == before


def test_render_refuses_a_roster_with_violations(dst_files: tuple[Path, Path], tmp_path: Path) -> None:
    """A roster the checker rejects: exit 1, one violation per line, and no view written."""
    scenario, roster = dst_files
    document = dst_roster_document()
    for s in document["sessions"]:
        if s["id"] == SUN_INDIVIDUAL:  # now during P1's Sunday morning group: P1 double-booked
            s["start"], s["end"] = "09:00", "10:00"
    roster.write_text(json.dumps(document))
    code, output = run("render", scenario, roster, "-o", tmp_path / "views")
    assert code == 1
    lines = [line for line in output.splitlines() if line.startswith("H1")]
    assert lines == [
        f"H1 [{SUN_INDIVIDUAL}]: patient P1 is in G-sun-morning-process-1 (sun 09:00–12:00) "
        f"and {SUN_INDIVIDUAL} (sun 09:00–10:00) at once"
    ]
    assert "nothing was written" in output
    assert not (tmp_path / "views").exists()


def shared_text(folder: Path) -> str:
    """Everything a shared view holds: file names, text files, and the workbook's cells."""
    parts = files_in(folder)
    for name in parts[:]:
        path = folder / name
        if name == "aliases.json":
            continue
        if path.suffix == ".xlsx":  # every cell's value (the XML itself has cell references like P1)
            workbook = openpyxl.load_workbook(path)
            parts += [str(v) for ws in workbook for row in ws.iter_rows(values_only=True) for v in row if v]
            parts += [str(workbook.properties.title)]
        else:
            parts.append(path.read_text(encoding="utf-8"))
    return "\n".join(p for p in parts if p != "aliases.json")


def leaks(text: str) -> list[str]:
    found = [i for i in IDS if re.search(rf"(?<![A-Za-z0-9]){i}(?![A-Za-z0-9])", text)]
    return found + [n for n in NAMES if n in text]


def test_pseudonymized_views_name_no_patient_and_the_map_round_trips(
    dst_files: tuple[Path, Path], tmp_path: Path
) -> None:
    """csv, xlsx, html, ics hold aliases only; the map is its own file, and reusing it keeps the aliases."""
    scenario, roster = dst_files
    out = tmp_path / "shared"
    plain = tmp_path / "plain"
    assert run("render", scenario, roster, "-o", plain, "--patient-calendars")[0] == 0
    assert leaks(shared_text(plain))  # without --pseudonymize the views name patients

    code, output = run("render", scenario, roster, "-o", out, "--pseudonymize", "--patient-calendars")
    assert code == 0, output
    assert "alias map (private, do not share)" in output
    assert leaks(shared_text(out)) == []
    aliases = AliasMap.load(out / "aliases.json").aliases
    assert sorted(aliases) == list(IDS)
    text = shared_text(out)
    assert all(alias in text for alias in aliases.values())
    assert (out / "calendars" / f"patient-{aliases['P1']}.ics").exists()

    before = {name: (out / name).read_bytes() for name in ("patients.csv", "sessions.csv", "roster.html")}
    assert run("render", scenario, roster, "-o", out, "--pseudonymize")[0] == 0
    assert {name: (out / name).read_bytes() for name in before} == before
    assert AliasMap.load(out / "aliases.json").aliases == aliases

    elsewhere = tmp_path / "elsewhere"
    assert run("render", scenario, roster, "-o", elsewhere, "--aliases", out / "aliases.json")[0] == 0
    assert (elsewhere / "roster.html").read_bytes() == before["roster.html"]
    assert not (elsewhere / "aliases.json").exists()


def test_a_pseudonymized_render_leaves_no_earlier_patient_calendar(
    dst_files: tuple[Path, Path], tmp_path: Path
) -> None:
    """Calendars of an earlier plain render into the same folder do not survive a pseudonymized one."""
    scenario, roster = dst_files
    out = tmp_path / "views"
    assert run("render", scenario, roster, "-o", out, "--patient-calendars")[0] == 0
    assert (out / "calendars" / "patient-P1.ics").exists()
    assert run("render", scenario, roster, "-o", out, "--pseudonymize", "--patient-calendars")[0] == 0
    names = files_in(out / "calendars")
    assert not any(re.search(r"patient-P\d\.ics", n) for n in names)
    assert sum(n.startswith("patient-PT-") for n in names) == 4
    assert HOSTILE_PATIENT not in (out / "calendars" / "therapist-T1.ics").read_text()


def test_solve_pseudonymizes_too(tiny_week: Path, tmp_path: Path) -> None:
    """solve --pseudonymize: roster.json keeps the real ids (it is the record), the views do not."""
    code, output = run("solve", tiny_week, "-o", tmp_path / "out", "--pseudonymize", "--time-limit", "5")
    assert code == 0, output
    out = tmp_path / "out"
    record = (out / "roster.json").read_text()
    assert "P1" in record
    views = "".join((out / name).read_text() for name in ("patients.csv", "sessions.csv", "roster.html"))
    assert not re.search(r"(?<![A-Za-z0-9])P[1-4](?![A-Za-z0-9])", views)
    assert len(AliasMap.load(out / "aliases.json").aliases) == 4
