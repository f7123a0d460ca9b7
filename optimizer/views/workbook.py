"""roster.xlsx: the week as one workbook, for managers who live in Excel.

Sheets: Week (days across, blocks down, every group session in its cell with type,
leader, room and fill), Sessions, Patients (shortfalls highlighted), Therapists (load
against max hours) and Shortfalls. Every number comes from ``tables``; this module
only lays them out with openpyxl.
"""

from __future__ import annotations

import io
import math
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from openpyxl import Workbook
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from openpyxl.formatting.rule import DataBarRule
from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet

from ..changes import Change
from ..roster import Roster
from ..scenario import Scenario
from .tables import (
    UNKNOWN_BLOCK,
    day_dates,
    ordered_blocks,
    patient_names,
    patients_table,
    session_capacity,
    sessions_table,
    shortfalls_table,
    therapist_names,
    therapists_table,
    type_label,
    week_grid,
)

SHEETS = ("Week", "Sessions", "Patients", "Therapists", "Shortfalls")

HEADER_FILL = PatternFill("solid", fgColor="1F3A5F")
HEADER_FONT = Font(bold=True, color="FFFFFF")
SHORT_FILL = PatternFill("solid", fgColor="FDE2E1")
SHORT_FONT = Font(bold=True, color="B42318")
BLOCK_FILL = PatternFill("solid", fgColor="EEF2F7")
TOTAL_BORDER = Border(top=Side(style="thin", color="1F3A5F"))
WRAP_TOP = Alignment(wrap_text=True, vertical="top")
HOURS = "0.##"


@dataclass(frozen=True)
class Column:
    """One column of a table sheet: its header, width in characters and number format."""

    header: str
    width: float
    number_format: str | None = None


def _put(ws: Worksheet, row: int, column: int, value: Any) -> Any:
    """Write a value so that text stays text: a name starting with '=' is not a formula."""
    if isinstance(value, str):
        value = ILLEGAL_CHARACTERS_RE.sub("", value)
    cell = ws.cell(row=row, column=column, value=value)
    if isinstance(value, str) and value.startswith("="):
        cell.data_type = "s"
    return cell


def _table(
    ws: Worksheet, columns: Sequence[Column], rows: Iterable[Sequence[Any]], first_row: int = 1
) -> int:
    """Header, rows, frozen header, filter and widths; returns the last data row."""
    for c, column in enumerate(columns, start=1):
        cell = _put(ws, first_row, c, column.header)
        cell.fill, cell.font = HEADER_FILL, HEADER_FONT
        cell.alignment = Alignment(vertical="center", wrap_text=True)
        ws.column_dimensions[get_column_letter(c)].width = column.width
    last = first_row
    for r, values in enumerate(rows, start=first_row + 1):
        for c, (column, value) in enumerate(zip(columns, values, strict=True), start=1):
            cell = _put(ws, r, c, value)
            if column.number_format:
                cell.number_format = column.number_format
        last = r
    ws.freeze_panes = ws.cell(row=first_row + 1, column=1)
    ws.auto_filter.ref = f"A{first_row}:{get_column_letter(len(columns))}{last}"
    return last


def _totals(ws: Worksheet, row: int, values: dict[int, Any], number_formats: dict[int, str]) -> None:
    """A bold totals row below the filtered range (sorting the table leaves it in place)."""
    for column in range(1, ws.max_column + 1):
        cell = _put(ws, row, column, values.get(column))
        cell.font = Font(bold=True)
        cell.border = TOTAL_BORDER
        if column in number_formats:
            cell.number_format = number_formats[column]


def _week_sheet(ws: Worksheet, scenario: Scenario, roster: Roster) -> None:
    program = scenario.program
    dates = day_dates(scenario)
    leaders = therapist_names(scenario)
    grid = week_grid(scenario, list(roster.sessions))
    blocks = ordered_blocks(scenario)
    if any(block == UNKNOWN_BLOCK for _, block in grid):
        blocks.append(UNKNOWN_BLOCK)
    tracks = {s.track for s in roster.groups()}

    title = _put(ws, 1, 1, f"{program.name} — week of {program.week_of:%a %d %b %Y}")
    title.font = Font(bold=True, size=14)
    _put(
        ws,
        2,
        1,
        f"{len(roster.groups())} group sessions, {len(roster.appointments())} appointments, "
        f"{len(roster.shortfalls)} shortfalls · solver {roster.solver.status} · times in {program.timezone}",
    ).font = Font(italic=True, color="555555")
    header_row = 3
    cell = _put(ws, header_row, 1, "Block")
    cell.fill, cell.font = HEADER_FILL, HEADER_FONT
    ws.column_dimensions["A"].width = 14
    width = 46
    for c, day in enumerate(program.days, start=2):
        cell = _put(ws, header_row, c, f"{dates[day]:%a %d %b}")
        cell.fill, cell.font = HEADER_FILL, HEADER_FONT
        cell.alignment = Alignment(horizontal="center")
        ws.column_dimensions[get_column_letter(c)].width = width
    for r, block in enumerate(blocks, start=header_row + 1):
        if block == UNKNOWN_BLOCK:
            label = "outside blocks"
        else:
            spec = program.blocks[block]
            label = f"{block}\n{spec.start}–{spec.end}"
        cell = _put(ws, r, 1, label)
        cell.fill, cell.font, cell.alignment = BLOCK_FILL, Font(bold=True), WRAP_TOP
        tallest = 2
        for c, day in enumerate(program.days, start=2):
            sessions = grid.get((day, block), [])
            lines = []
            for s in sessions:
                if not s.is_group:
                    continue
                track = f" ({s.track})" if len(tracks) > 1 and s.track else ""
                staff = " + ".join(leaders.get(t, t) for t in s.therapists)
                fill = f"{len(s.patients)}/{session_capacity(scenario, s)}"
                lines.append(f"{type_label(scenario, s)}{track} · {staff} · {s.room} · {fill}")
            kinds = Counter(s.kind for s in sessions if not s.is_group)
            if kinds:
                detail = ", ".join(f"{kind} {n}" for kind, n in sorted(kinds.items()))
                lines.append(f"+ {sum(kinds.values())} appointments ({detail})")
            _put(ws, r, c, "\n".join(lines) or None).alignment = WRAP_TOP
            # Excel does not grow rows for wrapped text written by a library: estimate it.
            tallest = max(tallest, sum(max(1, math.ceil(len(line) / (width - 4))) for line in lines))
        ws.row_dimensions[r].height = 15 * tallest + 4
    ws.freeze_panes = ws.cell(row=header_row + 1, column=2)
    ws.page_setup.orientation = "landscape"
    ws.page_setup.fitToWidth = 1
    ws.page_setup.fitToHeight = 0
    ws.sheet_properties.pageSetUpPr.fitToPage = True


def _sessions_sheet(ws: Worksheet, scenario: Scenario, roster: Roster) -> None:
    dates = day_dates(scenario)
    leaders = therapist_names(scenario)
    patients = patient_names(scenario)
    columns = [
        Column("Session", 30),
        Column("Day", 6),
        Column("Date", 11, "yyyy-mm-dd"),
        Column("Block", 11),
        Column("Start", 7),
        Column("End", 7),
        Column("Kind", 11),
        Column("Type", 22),
        Column("Room", 10),
        Column("Track", 11),
        Column("Staff", 28),
        Column("Size", 6),
        Column("Capacity", 9),
        Column("Fill", 7, "0%"),
        Column("Patients", 60),
    ]
    rows = []
    records = sessions_table(scenario, roster).to_dict("records")
    for s, row in zip(roster.sessions, records, strict=True):
        capacity = session_capacity(scenario, s)
        rows.append(
            (
                s.id,
                s.day,
                dates.get(s.day),
                row["block"],
                s.start,
                s.end,
                s.kind,
                type_label(scenario, s),
                s.room,
                s.track,
                "; ".join(leaders.get(t, t) for t in s.therapists),
                row["size"],
                capacity,
                row["size"] / capacity if capacity else None,
                "; ".join(_person(patients, p) for p in s.patients),
            )
        )
    _table(ws, columns, rows)


def _person(names: dict[str, str], ident: str) -> str:
    name = names.get(ident, ident)
    return ident if name == ident else f"{name} ({ident})"


def _patients_sheet(ws: Worksheet, scenario: Scenario, roster: Roster) -> None:
    table = patients_table(scenario, roster)
    columns = [
        Column("Patient", 10),
        Column("Name", 22),
        Column("Level", 7),
        Column("Track", 11),
        Column("Hours required", 9, HOURS),
        Column("Hours max", 7, HOURS),
        Column("Hours scheduled", 10, HOURS),
        Column("Hours short", 7, HOURS),
        Column("Hours met", 7),
        Column("Days", 6),
        Column("Days attended", 20),
        Column("Blocks", 18),
        Column("Group sessions", 8),
        Column("Group leaders", 8),
        Column("Appointments", 26),
        Column("Primary therapist", 10),
        Column("Shortfalls", 12),
    ]
    rows = [
        (
            r["patient"],
            r["name"] or None,
            r["level"],
            r["track"],
            r["hours_min"],
            r["hours_max"],
            r["hours_scheduled"],
            r["hours_short"],
            "yes" if r["hours_met"] else "NO",
            r["days"],
            r["day_list"].replace(";", ", "),
            r["blocks_used"].replace(";", ", "),
            r["group_sessions"],
            r["group_leaders"],
            r["appointments"].replace(";", ", ").replace(":", " "),
            r["primary_therapist"] or None,
            r["shortfalls"].replace(";", ", ") or None,
        )
        for r in table.to_dict("records")
    ]
    last = _table(ws, columns, rows)
    for offset, r in enumerate(table.to_dict("records"), start=2):
        if r["shortfalls"] or not r["hours_met"]:
            for column in range(1, len(columns) + 1):
                ws.cell(row=offset, column=column).fill = SHORT_FILL
            for column in (7, 8, 9, 17):
                ws.cell(row=offset, column=column).font = SHORT_FONT
    _totals(
        ws,
        last + 1,
        {
            1: "Total",
            2: f"{len(table)} patients",
            7: float(table["hours_scheduled"].sum()),
            8: float(table["hours_short"].sum()),
            9: f"{int(table['hours_met'].sum())}/{len(table)} met",
            13: int(table["group_sessions"].sum()),
            17: f"{int((table['shortfalls'] != '').sum())} with shortfalls",
        },
        {7: HOURS, 8: HOURS},
    )


def _therapists_sheet(ws: Worksheet, scenario: Scenario, roster: Roster) -> None:
    table = therapists_table(scenario, roster)
    columns = [
        Column("Clinician", 10),
        Column("Name", 22),
        Column("Role", 11),
        Column("Qualifications", 26),
        Column("Hours scheduled", 10, HOURS),
        Column("Max hours", 8, HOURS),
        Column("Load %", 18, "0.0"),
        Column("Groups led", 8),
        Column("Groups co-led", 8),
        Column("Appointments", 12),
    ]
    rows = [
        (
            r["therapist"],
            r["name"] or None,
            r["role"],
            r["qualifications"].replace(";", ", "),
            r["hours_scheduled"],
            r["max_hours"],
            r["load_pct"],
            r["groups_led"],
            r["groups_co_led"],
            r["appointments"],
        )
        for r in table.to_dict("records")
    ]
    last = _table(ws, columns, rows)
    if len(table):
        ws.conditional_formatting.add(
            f"G2:G{last}",
            DataBarRule(start_type="num", start_value=0, end_type="num", end_value=100, color="5B8DEF"),
        )
    hours, capacity = float(table["hours_scheduled"].sum()), float(table["max_hours"].sum())
    _totals(
        ws,
        last + 1,
        {
            1: "Total",
            2: f"{len(table)} clinicians",
            5: hours,
            6: capacity,
            7: round(100 * hours / capacity, 1) if capacity else 0.0,
            8: int(table["groups_led"].sum()),
            9: int(table["groups_co_led"].sum()),
            10: int(table["appointments"].sum()),
        },
        {5: HOURS, 6: HOURS, 7: "0.0"},
    )


def _shortfalls_sheet(ws: Worksheet, scenario: Scenario, roster: Roster) -> None:
    table = shortfalls_table(scenario, roster)
    columns = [
        Column("Patient", 10),
        Column("Name", 22),
        Column("Rule", 6),
        Column("Counts", 14),
        Column("Required", 9, HOURS),
        Column("Scheduled", 9, HOURS),
        Column("Missing", 9, HOURS),
        Column("Reason", 80),
    ]
    rows = [
        (
            r["patient"],
            r["name"] or None,
            r["rule"],
            r["measure"] or None,
            r["required"],
            r["scheduled"],
            r["missing"],
            r["reason"],
        )
        for r in table.to_dict("records")
    ]
    last = _table(ws, columns, rows)
    for r in range(2, last + 1):
        ws.cell(row=r, column=8).alignment = WRAP_TOP
        ws.cell(row=r, column=7).font = SHORT_FONT
    if not rows:
        _put(ws, 2, 1, "No shortfalls declared: the roster meets every patient's requirements.").font = Font(
            italic=True, color="555555"
        )


def _changes_sheet(ws: Worksheet, changes: list[Change]) -> None:
    columns = [
        Column("Patient", 10),
        Column("What", 12),
        Column("Last week", 36),
        Column("This week", 36),
        Column("Why", 50),
    ]
    rows = [(c.patient, c.what, c.before or None, c.after or None, c.reason or None) for c in changes]
    _table(ws, columns, rows)
    if not rows:
        _put(ws, 2, 1, "Nobody moved since last week.").font = Font(italic=True, color="555555")


def workbook_bytes(scenario: Scenario, roster: Roster, changes: list[Change] | None = None) -> bytes:
    """The roster as an .xlsx document (bytes, so the caller can write it atomically).

    ``changes``: the changes from last week, on a Changes sheet when given.
    """
    wb = Workbook()
    week = wb.active
    assert week is not None  # a new workbook always has one sheet
    week.title = SHEETS[0]
    _week_sheet(week, scenario, roster)
    for title, fill in zip(
        SHEETS[1:], (_sessions_sheet, _patients_sheet, _therapists_sheet, _shortfalls_sheet), strict=True
    ):
        fill(wb.create_sheet(title), scenario, roster)
    if roster.shortfalls:
        wb[SHEETS[-1]].sheet_properties.tabColor = "B42318"
    if changes is not None:
        _changes_sheet(wb.create_sheet("Changes"), changes)
    wb.properties.title = f"{scenario.program.name} — week of {scenario.program.week_of}"
    wb.properties.creator = "iop-roster"
    buffer = io.BytesIO()
    wb.save(buffer)
    return buffer.getvalue()


__all__ = ["SHEETS", "workbook_bytes"]
