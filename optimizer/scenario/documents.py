"""Reading untrusted scenario documents and tables, safely and with bounded size.

YAML is read with a safe loader that also refuses what YAML 1.1 does behind a user's
back (``17:00`` read as the number 1020, ``no`` read as false, duplicate keys silently
overwritten) and alias bombs. Table paths must stay inside the scenario's folder.
"""

from __future__ import annotations

import json
import math
import re
from pathlib import Path
from typing import Any

import pandas as pd
import yaml

from .errors import Problem, ScenarioError

MAX_DOCUMENT_BYTES = 16 * 1024 * 1024
MAX_TABLE_BYTES = 64 * 1024 * 1024
MAX_TABLE_ROWS = 50_000
MAX_TABLE_COLUMNS = 200
MAX_YAML_ALIASES = 200
TABLE_SUFFIXES = (".csv", ".xlsx")


class _DocumentError(Exception):
    """A problem found while parsing, before any item can be named."""


class _SafeLoader(yaml.SafeLoader):
    """SafeLoader with YAML 1.2 scalars, duplicate-key errors and an alias budget."""

    def __init__(self, stream: str) -> None:
        super().__init__(stream)
        self._aliases = 0

    def compose_node(self, parent: Any, index: Any) -> Any:
        if self.check_event(yaml.AliasEvent):
            self._aliases += 1
            if self._aliases > MAX_YAML_ALIASES:
                raise _DocumentError(f"more than {MAX_YAML_ALIASES} YAML aliases; refusing to expand")
        return super().compose_node(parent, index)

    def construct_mapping(self, node: Any, deep: bool = False) -> dict[Any, Any]:
        seen: set[Any] = set()
        for key_node, _ in node.value:
            key = self.construct_object(key_node, deep=deep)
            if not isinstance(key, str | int | float | bool) and key is not None:
                line = key_node.start_mark.line + 1
                raise _DocumentError(f"line {line}: a mapping key must be a plain value")
            if key in seen:
                line = key_node.start_mark.line + 1
                raise _DocumentError(f"line {line}: duplicate key {key!r}")
            seen.add(key)
        return super().construct_mapping(node, deep=deep)


def _yaml_1_2_scalars() -> None:
    """Make bool, int and float resolve as in YAML 1.2 (no sexagesimal, no yes/no)."""
    replaced = {"tag:yaml.org,2002:bool", "tag:yaml.org,2002:int", "tag:yaml.org,2002:float"}
    resolvers = {
        first: [(tag, rx) for tag, rx in entries if tag not in replaced]
        for first, entries in yaml.SafeLoader.yaml_implicit_resolvers.items()
    }
    _SafeLoader.yaml_implicit_resolvers = resolvers
    _SafeLoader.add_implicit_resolver(
        "tag:yaml.org,2002:bool", re.compile(r"^(?:true|True|TRUE|false|False|FALSE)$"), list("tTfF")
    )
    _SafeLoader.add_implicit_resolver(
        "tag:yaml.org,2002:int", re.compile(r"^[-+]?(?:0|[1-9][0-9]*)$"), list("-+0123456789")
    )
    _SafeLoader.add_implicit_resolver(
        "tag:yaml.org,2002:float",
        re.compile(r"^[-+]?(?:[0-9]+\.[0-9]*|\.[0-9]+)(?:[eE][-+]?[0-9]+)?$"),
        list("-+0123456789."),
    )


_yaml_1_2_scalars()


def _read_bounded(path: Path, limit: int) -> bytes:
    try:
        size = path.stat().st_size
        if size > limit:
            raise _DocumentError(f"file is {size} bytes; the limit is {limit}")
        with path.open("rb") as handle:
            return handle.read(limit + 1)
    except OSError as exc:
        raise _DocumentError(f"cannot read the file ({exc.strerror or exc})") from exc


def read_document(path: Path) -> dict[str, Any]:
    """The top-level mapping of a YAML or JSON scenario (or roster) file."""
    data = read_document_or_list(path)
    if not isinstance(data, dict):
        raise ScenarioError([Problem(str(path), None, None, "expected a mapping of sections at the top")])
    return data


def read_document_or_list(path: Path) -> Any:
    """The top-level value of a YAML or JSON file, read safely and within the size limit."""
    try:
        raw = _read_bounded(path, MAX_DOCUMENT_BYTES)
        try:
            text = raw.decode("utf-8-sig")
        except UnicodeDecodeError as exc:
            raise _DocumentError(f"not UTF-8 text (byte {exc.start})") from exc
        try:
            if path.suffix.lower() == ".json":
                data = json.loads(text, object_pairs_hook=_json_object)
            else:
                data = yaml.load(text, Loader=_SafeLoader)
        except RecursionError as exc:
            raise _DocumentError("nested too deeply") from exc
        except json.JSONDecodeError as exc:
            raise _DocumentError(f"line {exc.lineno}: invalid JSON ({exc.msg})") from exc
        except yaml.YAMLError as exc:
            mark = getattr(exc, "problem_mark", None)
            where = f"line {mark.line + 1}: " if mark is not None else ""
            problem = getattr(exc, "problem", None) or str(exc).splitlines()[0]
            raise _DocumentError(f"{where}invalid YAML ({problem})") from exc
        except (ValueError, TypeError, OverflowError) as exc:  # e.g. an unquoted 2026-02-30
            raise _DocumentError(f"invalid value ({exc})") from exc
    except _DocumentError as exc:
        raise ScenarioError([Problem(str(path), None, None, str(exc))]) from None
    return data


def _json_object(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    result: dict[str, Any] = {}
    for key, value in pairs:
        if key in result:
            raise _DocumentError(f"duplicate key {key!r}")
        result[key] = value
    return result


def resolve_inside(base_dir: Path, reference: str) -> Path:
    """The file a scenario refers to, which must lie inside the scenario's folder."""
    candidate = Path(reference)
    if candidate.is_absolute() or ".." in candidate.parts:
        raise ValueError(f"path {reference!r} must be relative and stay inside {base_dir}")
    resolved = (base_dir / candidate).resolve()
    if not resolved.is_relative_to(base_dir.resolve()):
        raise ValueError(f"path {reference!r} leads outside the scenario's folder")
    return resolved


def read_table(path: Path, sheet: str | None) -> list[tuple[int, dict[str, Any]]]:
    """Rows of a CSV or XLSX table as (spreadsheet row number, {column: cell}) pairs.

    Empty cells are left out, so they mean "use the default". Row numbers count the
    header as row 1, as a spreadsheet shows them.
    """
    try:
        _read_bounded(path, MAX_TABLE_BYTES)  # size check before a parser sees it
        if path.suffix.lower() == ".csv":
            if sheet is not None:
                raise _DocumentError("a CSV file has no sheets; drop the '#...' part")
            frame = pd.read_csv(
                path,
                dtype=str,
                keep_default_na=False,
                encoding="utf-8-sig",
                nrows=MAX_TABLE_ROWS + 1,
                skipinitialspace=True,
                index_col=False,
            )
        else:
            frame = pd.read_excel(
                path, sheet_name=sheet or 0, dtype=object, engine="openpyxl", nrows=MAX_TABLE_ROWS + 1
            )
    except _DocumentError as exc:
        raise ScenarioError([Problem(str(path), None, None, str(exc))]) from None
    except (ValueError, KeyError) as exc:
        message = str(exc).strip("'\"")
        raise ScenarioError([Problem(str(path), None, None, f"cannot read the table ({message})")]) from None
    except Exception as exc:  # parser errors of pandas and openpyxl have no common base
        raise ScenarioError(
            [Problem(str(path), None, None, f"cannot read the table ({type(exc).__name__}: {exc})")]
        ) from None
    if len(frame) > MAX_TABLE_ROWS or len(frame.columns) > MAX_TABLE_COLUMNS:
        raise ScenarioError(
            [
                Problem(
                    str(path),
                    None,
                    None,
                    f"table too large; the limits are {MAX_TABLE_ROWS} rows and {MAX_TABLE_COLUMNS} columns",
                )
            ]
        )
    columns = [str(c).strip() for c in frame.columns]
    rows: list[tuple[int, dict[str, Any]]] = []
    for number, values in enumerate(frame.itertuples(index=False, name=None), start=2):
        cells = {col: _cell(value) for col, value in zip(columns, values, strict=True)}
        cells = {col: value for col, value in cells.items() if value is not None}
        if cells:
            rows.append((number, cells))
    return rows


def _cell(value: Any) -> Any:
    """A spreadsheet cell as a plain value; blanks become None."""
    if value is None:
        return None
    if isinstance(value, float):
        if math.isnan(value):
            return None
        return int(value) if value.is_integer() else value
    if isinstance(value, str):
        value = value.strip()
        return value or None
    if hasattr(value, "isoformat"):
        return value.isoformat()
    return value
