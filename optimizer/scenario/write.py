"""Writing scenarios back out: YAML/JSON with tables inline, or beside it as CSV/XLSX.

Used by ``generate`` (synthetic weeks) and by every command that derives a new week
from an old one. What is written loads back to an equal ``Scenario``.
"""

from __future__ import annotations

import io
import json
from pathlib import Path
from typing import Any, Literal

import pandas as pd
import yaml
from pydantic import BaseModel

from ..files import write_atomic
from .load import SECTIONS, TABLES
from .models import DAYS, DEFAULT_APPOINTMENTS, DEFAULT_LEVELS, AppointmentKind, Level, Scenario

TableFormat = Literal["inline", "csv", "xlsx"]
TABLE_SECTIONS = ("group_types", "rooms", "therapists", "patients")


def scenario_document(scenario: Scenario) -> dict[str, Any]:
    """The scenario as a plain document, leaving out what equals the SPEC defaults."""
    document = scenario.model_dump(mode="json", exclude_defaults=True)
    full = scenario.model_dump(mode="json")
    for section, model, defaults in (
        ("levels", Level, DEFAULT_LEVELS),
        ("appointments", AppointmentKind, DEFAULT_APPOINTMENTS),
    ):
        kept = {
            key: {k: v for k, v in value.items() if v is not None}
            for key, value in full[section].items()
            if key not in defaults or value != model.model_validate(defaults[key]).model_dump(mode="json")
        }
        document.pop(section, None)
        if kept:
            document[section] = kept
    for section in TABLE_SECTIONS:
        document.setdefault(section, [])
    return _tidy({key: document[key] for key in SECTIONS if key in document})


def _tidy(value: Any) -> Any:
    """Whole-number floats as ints (36 rather than 36.0), recursively."""
    if isinstance(value, float) and value.is_integer():
        return int(value)
    if isinstance(value, dict):
        return {k: _tidy(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_tidy(v) for v in value]
    return value


def _flow(item: Any) -> str:
    """One value in YAML flow style on one line (a scalar without the document end marker)."""
    text = yaml.safe_dump(item, default_flow_style=True, width=1_000_000, sort_keys=False).strip()
    return text.removesuffix("\n...").strip()


def _yaml_text(document: dict[str, Any]) -> str:
    """Block style for sections, one flow-style line per table item (as SPEC §2 shows)."""
    out = io.StringIO()
    for key, value in document.items():
        if key in TABLE_SECTIONS and isinstance(value, list):
            if not value:
                out.write(f"{key}: []\n")
                continue
            out.write(f"{key}:\n")
            for item in value:
                out.write(f"  - {_flow(item)}\n")
        elif key == "program":
            program = dict(value)
            blocks = program.pop("blocks", {})
            out.write(
                yaml.safe_dump({key: program}, sort_keys=False, width=1_000_000, default_flow_style=None)
            )
            out.write("  blocks:\n")
            for name, window in blocks.items():
                out.write(f"    {name}: {_flow(window)}\n")
        elif isinstance(value, dict):
            out.write(f"{key}:\n")
            for name, entry in value.items():
                out.write(f"  {name}: {_flow(entry)}\n")
        else:
            out.write(yaml.safe_dump({key: value}, sort_keys=False, width=1_000_000))
    return out.getvalue()


def _rows(items: list[dict[str, Any]], model: type[BaseModel]) -> pd.DataFrame:
    """Table rows as a manager keeps them: day columns, ``a;b`` lists, ``k:v`` mappings."""
    rows = []
    for item in items:
        row: dict[str, Any] = {}
        for key, value in item.items():
            if key == "availability":
                for day in DAYS:
                    if day in value:
                        row[day] = ";".join(value[day])
            elif isinstance(value, list):
                row[key] = ";".join(str(v) for v in value)
            elif isinstance(value, dict) and key in ("staff", "appointments"):
                row[key] = ";".join(f"{k}:{v}" for k, v in value.items())
            elif isinstance(value, dict):
                for sub, sub_value in value.items():
                    row[f"{key}.{sub}"] = sub_value
            else:
                row[key] = value
        rows.append(row)
    frame = pd.DataFrame(rows).convert_dtypes()  # whole numbers stay whole where cells are blank
    order = {name: n for n, name in enumerate(model.model_fields)}

    def position(column: str) -> tuple[int, int]:
        if column in DAYS:
            return (order.get("availability", len(order)), DAYS.index(column))
        return (order.get(column.split(".")[0], len(order)), 0)

    return frame[sorted(frame.columns, key=position)]


def write_scenario(
    scenario: Scenario | dict[str, Any], path: str | Path, tables: TableFormat = "inline"
) -> list[Path]:
    """Write a scenario (model or document) to ``path``; tables inline or as files beside it."""
    path = Path(path)
    document = scenario_document(scenario) if isinstance(scenario, Scenario) else dict(scenario)
    written = []
    if tables == "csv":
        for section in TABLE_SECTIONS:
            frame = _rows(document.get(section) or [], TABLES[section])
            written.append(write_atomic(path.parent / f"{section}.csv", frame.to_csv(index=False)))
            document[section] = f"{section}.csv"
    elif tables == "xlsx":
        buffer = io.BytesIO()
        with pd.ExcelWriter(buffer, engine="openpyxl") as excel:
            for section in TABLE_SECTIONS:
                _rows(document.get(section) or [], TABLES[section]).to_excel(
                    excel, sheet_name=section, index=False
                )
        workbook = path.with_suffix(".xlsx").name
        written.append(write_atomic(path.parent / workbook, buffer.getvalue()))
        for section in TABLE_SECTIONS:
            document[section] = f"{workbook}#{section}"
    if path.suffix.lower() == ".json":
        text = json.dumps(document, indent=2, ensure_ascii=False) + "\n"
    else:
        text = _yaml_text(document)
    written.insert(0, write_atomic(path, text))
    return written
