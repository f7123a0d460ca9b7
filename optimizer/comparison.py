"""The numbers that compare solved weeks, and the comparison table as CSV, XLSX and HTML.

One row per solved week (a study's variant or a site of a batch): whether every rule
is met, the shortfall a best-effort roster declares, patients fully served, sessions
opened, clinician hours and utilisation, objective and time. ``outcome_numbers``
computes them from a checked roster alone, so a worker can send them back as plain
values; the writers only present them.
"""

from __future__ import annotations

import io
import math
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import jinja2
import pandas as pd
from openpyxl import Workbook
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter

from .files import write_atomic
from .roster import Roster
from .scenario import Scenario
from .views.tables import therapists_table
from .workflow import Outcome

VERDICTS = {
    "ok": "meets every rule",
    "best-effort": "best effort (shortfalls)",
    "infeasible": "infeasible",
    "unknown": "no roster in time",
    "failed": "failed",
}

# (key, header, number format in the workbook); the CSV uses the keys as its header.
COLUMNS: tuple[tuple[str, str, str | None], ...] = (
    ("name", "variant", None),
    ("verdict", "result", None),
    ("status", "solver status", None),
    ("shortfall_hours", "shortfall h", "0.##"),
    ("shortfalls", "shortfalls", "0"),
    ("patients_served", "patients fully served", "0"),
    ("patients", "patients", "0"),
    ("sessions", "group sessions", "0"),
    ("appointments", "appointments", "0"),
    ("staff_hours", "staff h", "0.##"),
    ("staff_capacity_hours", "staff h available", "0.##"),
    ("utilisation_pct", "utilisation %", "0.0"),
    ("objective", "objective", "0"),
    ("time_s", "time s", "0.0"),
    ("attempts", "attempts", "0"),
    ("error", "error", None),
)


def outcome_numbers(scenario: Scenario, outcome: Outcome, seconds: float) -> dict[str, Any]:
    """The comparison row of one verified solve (no roster: the counts stay empty)."""
    roster = outcome.roster
    capacity = sum(t.max_hours for t in scenario.therapists)
    row: dict[str, Any] = {
        "status": outcome.result.status,
        "patients": len(scenario.patients),
        "staff_capacity_hours": round(capacity, 2),
        "time_s": round(seconds, 2),
        "explanation": list(outcome.explanation),
    }
    if roster is None:
        row["verdict"] = "infeasible" if outcome.infeasible else "unknown"
        return row
    row.update(roster_numbers(scenario, roster))
    row["verdict"] = "best-effort" if roster.shortfalls else "ok"
    return row


def roster_numbers(scenario: Scenario, roster: Roster) -> dict[str, Any]:
    """Shortfall, service, sessions and load of a roster that passed the checker."""
    short = sum(max(0.0, s.required - s.scheduled) for s in roster.shortfalls if s.rule == "H4")
    underserved = {s.patient for s in roster.shortfalls}
    staff = therapists_table(scenario, roster)
    hours = float(staff["hours_scheduled"].sum()) if len(staff) else 0.0
    capacity = sum(t.max_hours for t in scenario.therapists)
    return {
        "shortfall_hours": round(short, 2),
        "shortfalls": len(roster.shortfalls),
        "patients_served": len(scenario.patients) - len(underserved),
        "sessions": len(roster.groups()),
        "appointments": len(roster.appointments()),
        "staff_hours": round(hours, 2),
        "utilisation_pct": round(100 * hours / capacity, 1) if capacity else 0.0,
        "objective": roster.solver.objective,
    }


@dataclass(frozen=True)
class Row:
    """One line of the comparison: a name, its numbers, and what it changes (for studies)."""

    name: str
    numbers: dict[str, Any]
    description: str = ""
    notes: tuple[str, ...] = ()


def comparison_frame(rows: Sequence[Row]) -> pd.DataFrame:
    """The comparison as a table, columns in ``COLUMNS`` order (blank where a number is unknown)."""
    records = []
    for row in rows:
        record = {key: row.numbers.get(key) for key, _, _ in COLUMNS}
        record["name"] = row.name
        record["verdict"] = VERDICTS.get(row.numbers.get("verdict", ""), row.numbers.get("verdict"))
        records.append(record)
    # object columns: whole numbers stay whole where another row has a blank
    return pd.DataFrame(records, columns=[key for key, _, _ in COLUMNS], dtype=object)


def comparison_csv(rows: Sequence[Row]) -> str:
    """CSV text with the column keys as header, plus each row's description."""
    frame = comparison_frame(rows)
    frame.insert(1, "description", [row.description for row in rows])
    return frame.to_csv(index=False)


_FILLS = {
    "ok": PatternFill("solid", fgColor="D9EAD3"),
    "best-effort": PatternFill("solid", fgColor="FFF2CC"),
    "infeasible": PatternFill("solid", fgColor="F4CCCC"),
    "unknown": PatternFill("solid", fgColor="EFEFEF"),
    "failed": PatternFill("solid", fgColor="F4CCCC"),
}


def comparison_xlsx(title: str, rows: Sequence[Row]) -> bytes:
    """A workbook: the comparison (coloured by result, numbers formatted) and the changes per variant."""
    book = Workbook()
    sheet = book.active
    sheet.title = "Comparison"
    sheet.append([title])
    sheet["A1"].font = Font(bold=True, size=13)
    sheet.append([header for _, header, _ in COLUMNS])
    for cell in sheet[2]:
        cell.font = Font(bold=True)
        cell.alignment = Alignment(wrap_text=True, vertical="top")
    frame = comparison_frame(rows)
    for row, (_, values) in zip(rows, frame.iterrows(), strict=True):
        sheet.append([_cell(values[key]) for key, _, _ in COLUMNS])
        fill = _FILLS.get(row.numbers.get("verdict", ""))
        if fill is not None:
            sheet.cell(row=sheet.max_row, column=2).fill = fill
    for index, (key, header, number_format) in enumerate(COLUMNS, start=1):
        letter = get_column_letter(index)
        width = max([len(header), *(len(str(_cell(v) or "")) for v in frame[key])])
        sheet.column_dimensions[letter].width = min(60, max(8, width + 2))
        if number_format:
            for cell in sheet[letter][2:]:
                cell.number_format = number_format
    sheet.freeze_panes = "B3"
    changes = book.create_sheet("Changes")
    changes.append(["variant", "description", "notes"])
    for cell in changes[1]:
        cell.font = Font(bold=True)
    for row in rows:
        changes.append([row.name, row.description, "\n".join(row.notes)])
        for cell in changes[changes.max_row]:
            cell.alignment = Alignment(wrap_text=True, vertical="top")
    for letter, width in (("A", 24), ("B", 60), ("C", 90)):
        changes.column_dimensions[letter].width = width
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def _cell(value: Any) -> Any:
    """A table value as a spreadsheet cell: blanks for missing numbers."""
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return None
    if hasattr(value, "item"):  # numpy scalars
        return value.item()
    return value


# Bars drawn in the page, each over the rows that have the number.
CHARTS = (
    ("shortfall_hours", "Hours short of patients' minimums (lower is better)", "h"),
    ("patients_served_pct", "Patients fully served (%)", "%"),
    ("utilisation_pct", "Clinician utilisation (% of available hours)", "%"),
    ("sessions", "Group sessions opened", ""),
)


def _environment() -> jinja2.Environment:
    return jinja2.Environment(
        loader=jinja2.PackageLoader("optimizer", "templates"),
        autoescape=jinja2.select_autoescape(["html", "j2"]),
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )


def comparison_html(title: str, subtitle: str, rows: Sequence[Row]) -> str:
    """A self-contained page (inline CSS and SVG, no scripts) with the table and bar charts."""
    frame = comparison_frame(rows)
    table = [
        {
            "cells": [_shown(_cell(values[key])) for key, _, _ in COLUMNS],
            "verdict": row.numbers.get("verdict", ""),
            "description": row.description,
            "notes": row.notes,
            "explanation": row.numbers.get("explanation") or [],
        }
        for row, (_, values) in zip(rows, frame.iterrows(), strict=True)
    ]
    charts = []
    for key, label, unit in CHARTS:
        bars = []
        for row in rows:
            value = _chart_value(row.numbers, key)
            bars.append({"name": row.name, "value": value, "verdict": row.numbers.get("verdict", "")})
        known = [b["value"] for b in bars if b["value"] is not None]
        if not known:
            continue
        top = max(known) or 1.0
        for bar in bars:
            bar["width"] = 0.0 if bar["value"] is None else 100.0 * bar["value"] / top
            bar["label"] = "—" if bar["value"] is None else f"{bar['value']:g}{unit}"
        charts.append({"label": label, "bars": bars})
    return (
        _environment()
        .get_template("comparison.html.j2")
        .render(
            title=title,
            subtitle=subtitle,
            headers=[header for _, header, _ in COLUMNS],
            rows=table,
            charts=charts,
        )
    )


def _chart_value(numbers: dict[str, Any], key: str) -> float | None:
    if key == "patients_served_pct":
        served, total = numbers.get("patients_served"), numbers.get("patients")
        return round(100 * served / total, 1) if served is not None and total else None
    value = numbers.get(key)
    return None if value is None else float(value)


def _shown(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, float):
        return f"{value:g}"
    return str(value)


def write_comparison(out_dir: str | Path, title: str, subtitle: str, rows: Sequence[Row]) -> list[Path]:
    """comparison.csv, comparison.xlsx and comparison.html in ``out_dir``, each written atomically."""
    out = Path(out_dir)
    return [
        write_atomic(out / "comparison.csv", comparison_csv(rows)),
        write_atomic(out / "comparison.xlsx", comparison_xlsx(title, rows)),
        write_atomic(out / "comparison.html", comparison_html(title, subtitle, rows)),
    ]
