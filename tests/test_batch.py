"""Batch runs: serial, local processes and a real Dask LocalCluster agree; failures are retried once."""

from __future__ import annotations

import csv
import io
import json
import logging
import os
import time
from pathlib import Path
from typing import Any

import pytest
import yaml
from click.testing import CliRunner

from optimizer.batch import (
    DaskBackend,
    SerialBackend,
    Task,
    TaskOptions,
    TaskReport,
    check_local_sizing,
    dask_client,
    local_backend,
    make_task,
    run_tasks,
)
from optimizer.cli import main
from optimizer.roster import load_roster
from optimizer.scenario import scenario_from_dict
from tests.factories import make_patient, make_therapist, tiny_document

# One CP-SAT worker and a fixed seed: a task's roster must not depend on where it runs.
OPTIONS = TaskOptions(time_limit=5, workers=1, seed=7)


def site(n: int) -> dict[str, Any]:
    """A small week with the default objective, so that the solver has choices to make.

    Site n has 3 + n patients and two SUD therapists of different hours; who leads
    which group, and on which day, is the solver's choice.
    """
    return tiny_document(
        patients=[make_patient(f"P{i}", name=f"Secret Name {i}") for i in range(1, 4 + n)],
        therapists=[make_therapist("T1", ["SUD"], max_hours=12), make_therapist("T2", ["SUD"], max_hours=6)],
        objective={},
    )


def tasks(count: int = 3) -> list[Task]:
    return [make_task(f"site-{n}", scenario_from_dict(site(n)), OPTIONS) for n in range(count)]


def sessions(report: TaskReport) -> list[dict[str, Any]]:
    assert report.result is not None, report.failures
    return json.loads(report.result["roster_json"])["sessions"]


def test_dask_local_cluster_matches_a_serial_run() -> None:
    """The same tasks through a real distributed LocalCluster give the same rosters as one by one."""
    serial = run_tasks(tasks(), SerialBackend())
    with dask_client(local_workers=2, task_workers=1, processes=False) as client:
        distributed = run_tasks(tasks(), DaskBackend(client))
    assert [r.name for r in distributed] == ["site-0", "site-1", "site-2"]
    for a, b in zip(serial, distributed, strict=True):
        assert a.attempts == b.attempts == 1
        assert sessions(a) == sessions(b) and sessions(a)
        assert a.result["objective"] == b.result["objective"]  # type: ignore[index]


def test_local_processes_match_a_serial_run() -> None:
    serial = run_tasks(tasks(2), SerialBackend())
    with local_backend(2) as backend:
        parallel = run_tasks(tasks(2), backend)
    assert [sessions(r) for r in serial] == [sessions(r) for r in parallel]


def test_a_task_that_raises_is_reported_and_the_others_complete() -> None:
    """A corrupt scenario document fails twice (retried once); its name and error are reported."""
    broken = Task("corrupt-site", {"program": {"name": "x"}}, OPTIONS)
    events: list[tuple[str, str]] = []
    with dask_client(local_workers=2, task_workers=1, processes=False) as client:
        reports = run_tasks(
            [tasks(1)[0], broken], DaskBackend(client), on_event=lambda e, r, d: events.append((e, r.name))
        )
    good, bad = reports
    assert good.ok and good.attempts == 1
    assert not bad.ok and bad.attempts == 2 and len(bad.failures) == 2
    assert bad.error is not None and bad.error.startswith(
        "ScenarioError: corrupt-site: program: field 'week_of'"
    )
    assert ("retry", "corrupt-site") in events and ("failed", "corrupt-site") in events


def flaky(task: Task) -> dict[str, Any]:
    """Fails the first time it runs (leaves a marker file), succeeds the second."""
    marker = Path(task.document["marker"])
    if not marker.exists():
        marker.write_text("failed once")
        raise RuntimeError("transient trouble")
    return {"ran": task.name}


def sleepy(task: Task) -> dict[str, Any]:
    time.sleep(60)
    return {}


def dies(task: Task) -> dict[str, Any]:
    os._exit(3)


def test_retry_once_then_succeed(tmp_path: Path) -> None:
    """A failure is retried exactly once: the second attempt's result counts, the first error is kept."""
    task = Task("flaky", {"marker": str(tmp_path / "marker")}, OPTIONS)
    (report,) = run_tasks([task], SerialBackend(), fn=flaky)
    assert report.result == {"ran": "flaky"} and report.attempts == 2
    (failure,) = report.failures
    assert failure.startswith("RuntimeError: transient trouble (at test_batch.py:")


def test_retry_in_another_process(tmp_path: Path) -> None:
    task = Task("flaky", {"marker": str(tmp_path / "marker")}, OPTIONS)
    with local_backend(1) as backend:
        (report,) = run_tasks([task], backend, fn=flaky)
    assert report.result == {"ran": "flaky"} and report.attempts == 2


def test_a_stuck_task_times_out_and_is_stopped() -> None:
    """A task past its time-out is terminated and retried once, then reported; the pool goes on."""
    started = time.monotonic()
    with local_backend(1) as backend:
        (report,) = run_tasks([Task("stuck", {}, OPTIONS)], backend, fn=sleepy, timeout=1.0)
    assert report.failures == ["timed out after 1 s", "timed out after 1 s"] and not report.ok
    assert time.monotonic() - started < 30  # both attempts were stopped, not waited for


def test_a_dying_worker_fails_only_its_task() -> None:
    with local_backend(1) as backend:
        (report,) = run_tasks([Task("dies", {}, OPTIONS)], backend, fn=dies)
    assert report.failures == ["worker process died (exit code 3)"] * 2


def test_sizing_never_oversubscribes_the_cores() -> None:
    check_local_sizing(2, 1, 1, cores=2)
    with pytest.raises(
        ValueError, match="3 worker\\(s\\) × 1 thread\\(s\\) × 1 CP-SAT worker\\(s\\) per task"
    ):
        check_local_sizing(3, 1, 1, cores=2)
    with pytest.raises(ValueError, match="choose at most 1 worker"):
        check_local_sizing(2, 1, 2, cores=2)


def test_patient_names_never_reach_the_logs(caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.DEBUG)
    broken = Task("broken", {**site(0), "patients": "nope"}, OPTIONS)
    run_tasks([tasks(1)[0], broken], SerialBackend())
    assert "task broken failed" in caplog.text
    assert "Secret Name" not in caplog.text


def run(*args: str) -> tuple[int, str]:
    result = CliRunner().invoke(main, list(args))
    return result.exit_code, result.output


def test_batch_command_writes_each_site_and_reports_a_corrupt_one(tmp_path: Path) -> None:
    """Each roster in its own folder with its views; the corrupt scenario is named; exit 2 for it."""
    sites = tmp_path / "sites"
    sites.mkdir()
    for n in range(2):
        (sites / f"site-{n}.yaml").write_text(yaml.safe_dump(site(n)))
    (sites / "corrupt.yaml").write_text("program: [unclosed\n")
    (sites / "notes.txt.bak").write_text("not a scenario")
    out = tmp_path / "out"
    code, output = run("batch", str(sites), "-o", str(out), "--task-workers", "1", "--time-limit", "5")
    assert code == 2, output
    assert "corrupt: not solved" in output and "corrupt.yaml: line 2: invalid YAML" in output
    summary = list(csv.DictReader(io.StringIO((out / "summary.csv").read_text())))
    assert [(r["name"], r["verdict"]) for r in summary] == [
        ("site-0", "meets every rule"), ("site-1", "meets every rule"), ("corrupt", "failed"),
    ]  # fmt: skip
    for n in range(2):
        assert load_roster(out / f"site-{n}" / "roster.json").sessions
        assert (out / f"site-{n}" / "patients.csv").exists()
    assert not (out / "corrupt").exists()
    assert "Secret Name" not in output


def test_batch_of_a_study_and_of_a_list(tmp_path: Path) -> None:
    """--study runs the variants; a .txt list names scenarios; a cluster too big for the cores is refused."""
    week = tmp_path / "week.yaml"
    week.write_text(yaml.safe_dump(site(0)))
    study = tmp_path / "study.yaml"
    study.write_text(
        yaml.safe_dump({"variants": [{"name": "no-T2", "changes": [{"remove_therapist": "T2"}]}]})
    )
    code, output = run("batch", str(week), "--study", str(study), "-o", str(tmp_path / "o"), "--jobs", "1",
                       "--task-workers", "1", "--time-limit", "5")  # fmt: skip
    assert code == 0, output
    assert sorted(p.name for p in (tmp_path / "o").iterdir()) == ["baseline", "no-T2", "summary.csv"]
    listing = tmp_path / "sites.txt"
    listing.write_text("# one scenario per line\nweek.yaml\n")
    code, output = run(
        "batch", str(listing), "-o", str(tmp_path / "l"), "--dask-local", "64", "--task-workers", "64"
    )
    assert code == 2 and "threads on" in output


class NoWorkers(SerialBackend):
    """A cluster whose workers are all gone."""

    def slots(self) -> int:
        return 0


def test_tasks_without_any_worker_fail_instead_of_waiting_forever() -> None:
    (report,) = run_tasks([Task("orphan", {}, OPTIONS)], NoWorkers(), no_workers_for=0.3)
    assert not report.ok and report.failures == ["no worker to run it for 0.3 s"]
