"""Pseudonyms: aliased copies carry no patient id or name, and a reused map keeps every alias."""

from __future__ import annotations

import json
import re
import stat
from dataclasses import replace
from pathlib import Path

import pytest

from optimizer.roster import Roster
from optimizer.scenario import Scenario, ScenarioError
from optimizer.views.aliases import ALIASES_FORMAT, AliasMap, pseudonymize
from tests.view_cases import HOSTILE_PATIENT, SUN_INDIVIDUAL, dst_week

IDS = ("P1", "P2", "P3", "P4")
NAMES = (HOSTILE_PATIENT, "Bo Chen", "Cy Diaz", "Di Egan")


def leaks(text: str) -> list[str]:
    """Patient ids (as whole words) and names found in ``text``."""
    found = [i for i in IDS if re.search(rf"(?<![A-Za-z0-9]){i}(?![A-Za-z0-9])", text)]
    return found + [n for n in NAMES if n in text]


def shared_text(scenario: Scenario, roster: Roster) -> str:
    return scenario.model_dump_json() + roster.to_json()


def test_pseudonymized_copies_carry_no_patient_id_or_name() -> None:
    """Ids, names, appointment session ids and shortfall reasons are all rewritten."""
    scenario, roster = dst_week(shortfall=True)
    assert leaks(shared_text(scenario, roster))  # the check below can fail
    aliases = AliasMap()
    shared, aliased = pseudonymize(scenario, roster, aliases)
    assert leaks(shared_text(shared, aliased)) == []
    alias = aliases.aliases
    assert sorted(alias) == list(IDS)
    assert all(re.fullmatch(r"PT-[A-HJ-NP-Z2-9]{5}", a) for a in alias.values())
    assert len(set(alias.values())) == 4
    assert f"A-{alias['P1']}-individual-1" in {s.id for s in aliased.sessions}
    (short,) = aliased.shortfalls
    assert short.patient == alias["P3"]
    assert short.reason.startswith(f"{alias['P3']} ({alias['P3']}) is available only on weekends")
    assert [p.name for p in shared.patients] == [None] * 4


def test_order_does_not_mirror_the_real_ids() -> None:
    """Patients come in alias order and sessions in clock order, not in the order of the real ids."""
    scenario, roster = dst_week()
    shared, aliased = pseudonymize(scenario, roster, AliasMap())
    assert [p.id for p in shared.patients] == sorted(p.id for p in shared.patients)
    assert all(list(s.patients) == sorted(s.patients) for s in aliased.sessions)
    assert [s.day for s in aliased.sessions] == ["sat", "sun", "sun"]


def test_a_reused_map_keeps_aliases_and_extends_for_new_patients(tmp_path: Path) -> None:
    """Saved and loaded back, the map gives the same aliases; a new patient gets a new one."""
    scenario, roster = dst_week()
    first = AliasMap()
    shared_first, _ = pseudonymize(scenario, roster, first)
    path = first.save(tmp_path / "aliases.json")
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    document = json.loads(path.read_text())
    assert document["format"] == ALIASES_FORMAT and document["aliases"] == first.aliases

    again = AliasMap.load(path)
    assert again.aliases == first.aliases
    newcomer = scenario.patients[0].model_copy(update={"id": "P9", "name": "Ny Ocampo"})
    grown = scenario.model_copy(update={"patients": [*scenario.patients, newcomer]})
    shared_again, _ = pseudonymize(grown, roster, again)
    assert {k: again.aliases[k] for k in first.aliases} == first.aliases
    assert again.aliases["P9"] not in first.aliases.values()
    assert {p.id for p in shared_again.patients} == {p.id for p in shared_first.patients} | {
        again.aliases["P9"]
    }


def test_a_fresh_map_gives_different_aliases() -> None:
    """Aliases are random, not derived from the ids: without the map they cannot be recomputed."""
    scenario, roster = dst_week()
    runs = [AliasMap() for _ in range(3)]
    for aliases in runs:
        pseudonymize(scenario, roster, aliases)
    assert len({tuple(sorted(a.aliases.values())) for a in runs}) == 3


def test_missing_map_is_empty_and_a_broken_one_is_an_input_error(tmp_path: Path) -> None:
    """No file yet: an empty map. Duplicate or malformed aliases: errors naming the entry."""
    assert AliasMap.load(tmp_path / "none.json").aliases == {}
    bad = tmp_path / "bad.json"
    bad.write_text(
        json.dumps({"format": ALIASES_FORMAT, "aliases": {"P1": "PT-AAAAA", "P2": "PT-AAAAA", "P3": "a b"}})
    )
    with pytest.raises(ScenarioError) as caught:
        AliasMap.load(bad)
    messages = [str(p) for p in caught.value.problems]
    assert any("P2" in m and "also used for P1" in m for m in messages)
    assert any("P3" in m and "not a valid id" in m for m in messages)


def test_roster_session_ids_are_rewritten_only_where_an_id_stands_alone() -> None:
    """An id inside a longer word is left alone (P1 is not rewritten inside P10 or XP1)."""
    scenario, roster = dst_week()
    sessions = tuple(replace(s, id="A-P1-XP1-P10") if s.id == SUN_INDIVIDUAL else s for s in roster.sessions)
    aliases = AliasMap()
    _, aliased = pseudonymize(scenario, replace(roster, sessions=sessions), aliases)
    assert f"A-{aliases.aliases['P1']}-XP1-P10" in {s.id for s in aliased.sessions}
