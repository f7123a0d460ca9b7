"""roster.xlsx reopened with openpyxl: every sheet, the week grid, and totals equal to the tables'."""

from __future__ import annotations

import io
import zipfile
from typing import Any

import openpyxl
import pytest

from optimizer.roster import Roster
from optimizer.scenario import Scenario
from optimizer.views.tables import fill_table, patients_table, shortfalls_table, therapists_table
from optimizer.views.workbook import SHEETS, workbook_bytes
from tests.view_cases import HOSTILE_PATIENT, HOSTILE_THERAPIST, SAT_GROUP, dst_week, solved_small


def reopen(scenario: Scenario, roster: Roster) -> openpyxl.Workbook:
    return openpyxl.load_workbook(io.BytesIO(workbook_bytes(scenario, roster)))


def records(ws: Any) -> list[dict[str, Any]]:
    """The rows of a table sheet under its header, up to the filter's last row (no totals)."""
    header = [c.value for c in ws[1]]
    last = int(ws.auto_filter.ref.split(":")[1].lstrip("ABCDEFGHIJKLMNOPQRSTUVWXYZ"))
    return [
        dict(zip(header, row, strict=True)) for row in ws.iter_rows(min_row=2, max_row=last, values_only=True)
    ]


def test_tables_count_shortfalls_and_fill() -> None:
    """The shared tables carry the declared shortfall, hours short, and seats per day and block."""
    scenario, roster = dst_week(shortfall=True)
    short = shortfalls_table(scenario, roster)
    assert short.to_dict("records") == [
        {"patient": "P3", "name": "Cy Diaz", "rule": "H4", "measure": "hours", "required": 6,
         "scheduled": 3, "missing": 3, "reason": short.loc[0, "reason"]},
    ]  # fmt: skip
    patients = patients_table(scenario, roster).set_index("patient")
    assert patients.loc["P3", "shortfalls"] == "H4" and patients.loc["P3", "hours_short"] == 3
    assert patients.loc["P1", "shortfalls"] == "" and patients.loc["P1", "hours_scheduled"] == 7
    fill = fill_table(scenario, roster)
    assert fill[["day", "block", "sessions", "seats_taken", "seats_offered"]].values.tolist() == [
        ["sat", "morning", 1, 3, 4],
        ["sun", "morning", 1, 3, 4],
    ]


def test_every_sheet_with_frozen_headers_and_filters() -> None:
    """Week, Sessions, Patients, Therapists, Shortfalls; table sheets frozen under the header and filtered."""
    wb = reopen(*dst_week())
    assert wb.sheetnames == list(SHEETS)
    assert wb["Week"].freeze_panes == "B4"
    for name in SHEETS[1:]:
        ws = wb[name]
        assert ws.freeze_panes == "A2", name
        assert ws.auto_filter.ref and ws.auto_filter.ref.startswith("A1:"), name
        assert all(ws.column_dimensions[c].width >= 6 for c in "ABC"), name


def test_week_sheet_lists_each_session_with_type_leader_room_and_fill() -> None:
    """Days across (with dates), blocks down; a cell names type, leader, room and fill such as 3/4."""
    scenario, roster = dst_week()
    ws = reopen(scenario, roster)["Week"]
    header = [c.value for c in ws[3]]
    assert header == ["Block", "Mon 26 Oct", "Tue 27 Oct", "Wed 28 Oct", "Thu 29 Oct", "Fri 30 Oct",
                      "Sat 31 Oct", "Sun 01 Nov"]  # fmt: skip
    assert ws["A4"].value.startswith("morning") and ws["A5"].value.startswith("evening")
    assert ws["G4"].value == f"Process group · {HOSTILE_THERAPIST} · A · 3/4"
    assert ws["H4"].value == "Process group · Ana Ruiz · A · 3/4"
    assert ws["H5"].value == "+ 1 appointments (individual 1)"
    assert ws["B4"].value is None


def test_sheets_hold_the_tables_numbers_and_right_totals() -> None:
    """Sessions, Patients and Therapists rows and totals equal the roster and the shared tables."""
    scenario, roster = solved_small()
    wb = reopen(scenario, roster)
    sessions = records(wb["Sessions"])
    assert [r["Session"] for r in sessions] == [s.id for s in roster.sessions]
    assert [r["Size"] for r in sessions] == [len(s.patients) for s in roster.sessions]

    patients = patients_table(scenario, roster)
    rows = records(wb["Patients"])
    assert [r["Patient"] for r in rows] == patients["patient"].tolist()
    assert [r["Hours scheduled"] for r in rows] == pytest.approx(patients["hours_scheduled"].tolist())
    ws = wb["Patients"]
    total = [c.value for c in ws[len(rows) + 2]]
    assert total[0] == "Total"
    assert total[6] == pytest.approx(patients["hours_scheduled"].sum())
    assert total[12] == patients["group_sessions"].sum()

    therapists = therapists_table(scenario, roster)
    rows = records(wb["Therapists"])
    assert [r["Load %"] for r in rows] == pytest.approx(therapists["load_pct"].tolist())
    total = [c.value for c in wb["Therapists"][len(rows) + 2]]
    assert total[4] == pytest.approx(therapists["hours_scheduled"].sum())
    assert total[7] == len(roster.groups())  # every group has one leader
    assert total[9] == len(roster.appointments())
    assert records(wb["Shortfalls"]) == [] and not roster.shortfalls


def test_shortfalls_sheet_and_highlighted_patient() -> None:
    """A declared shortfall is a row of the Shortfalls sheet, and its patient's row is highlighted."""
    scenario, roster = dst_week(shortfall=True)
    wb = reopen(scenario, roster)
    (row,) = records(wb["Shortfalls"])
    assert row["Patient"] == "P3" and row["Rule"] == "H4" and row["Missing"] == 3
    assert row["Required"] == 6 and row["Scheduled"] == 3 and "weekends" in row["Reason"]
    patients = wb["Patients"]
    fills = {patients.cell(r, 1).value: patients.cell(r, 1).fill.fgColor.rgb for r in range(2, 6)}
    assert fills["P3"].endswith("FDE2E1")
    assert not fills["P1"].endswith("FDE2E1")
    assert patients.cell(4, 17).value == "H4"


def test_no_shortfalls_is_said_in_words() -> None:
    """An empty Shortfalls sheet says so rather than looking unfinished."""
    ws = reopen(*dst_week())["Shortfalls"]
    assert ws.auto_filter.ref == "A1:H1"
    assert ws["A2"].value.startswith("No shortfalls declared")


def test_names_are_text_never_formulas() -> None:
    """A name starting with '=' stays text, and markup in a name is kept verbatim."""
    scenario, roster = dst_week()
    patients = [p.model_copy(update={"name": '=HYPERLINK("http://x","y")'}) if p.id == "P2" else p
                for p in scenario.patients]  # fmt: skip
    data = workbook_bytes(scenario.model_copy(update={"patients": patients}), roster)
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        sheets = "".join(
            archive.read(n).decode() for n in archive.namelist() if n.startswith("xl/worksheets/")
        )
    assert "<f>" not in sheets
    wb = openpyxl.load_workbook(io.BytesIO(data))
    names = {r["Patient"]: r["Name"] for r in records(wb["Patients"])}
    assert names["P2"] == '=HYPERLINK("http://x","y")' and names["P1"] == HOSTILE_PATIENT
    sessions = {r["Session"]: r for r in records(wb["Sessions"])}
    assert HOSTILE_PATIENT in sessions[SAT_GROUP]["Patients"]
