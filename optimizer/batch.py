"""Solving many weeks at once: on local processes or on a Dask cluster, with one retry.

A task is plain data — a scenario *document* (tables inline), the solve options and a
name — and its result is plain data too: status, the comparison numbers and the
roster as JSON text. A CP-SAT model does not pickle and a worker may share no file
system with us, so workers get documents, not models or paths, and the caller writes
every file itself (after checking each roster again).

Backends run tasks and say when they finish; ``run_tasks`` owns the policy: at most
as many tasks in flight as the backend has slots, a time-out per task, and exactly
one retry of a task that failed or timed out, every failure reported with the task's
name. CPU: each task runs CP-SAT with ``workers`` threads, so a backend's slots times
that must not exceed the cores it has (``check_local_sizing``).

With one CP-SAT worker per task and a fixed seed, a task's roster does not depend on
where or alongside what it runs: the time limit then counts CP-SAT's deterministic
time (see ``solve.parameters``). Best-effort solves of infeasible weeks are the
exception: their second stage gets the wall-clock time the first left over.
"""

from __future__ import annotations

import json
import logging
import multiprocessing as mp
import multiprocessing.connection as mp_connection
import os
import signal
import time
import traceback
import uuid
from collections import deque
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager, suppress
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal, Protocol

from .check import check_roster
from .comparison import outcome_numbers
from .roster import roster_from_dict
from .scenario import Scenario, scenario_from_dict
from .scenario.write import scenario_document
from .solve import SolveOptions
from .views import write_views
from .workflow import solve_verified

log = logging.getLogger(__name__)

TaskFunction = Callable[["Task"], dict[str, Any]]
Event = Literal["done", "retry", "failed"]


@dataclass(frozen=True)
class TaskOptions:
    """How each task solves: the same for every task of a batch."""

    time_limit: float = 30.0
    workers: int = 1  # CP-SAT search workers inside one task
    seed: int = 0
    strict: bool = False
    weights: dict[str, int] = field(default_factory=dict)

    def solve_options(self) -> SolveOptions:
        """The options of one solve."""
        return SolveOptions(
            time_limit=self.time_limit, workers=self.workers, seed=self.seed, weights=dict(self.weights)
        )


@dataclass(frozen=True)
class Task:
    """One week to solve, as plain data that pickles and travels to any worker."""

    name: str
    document: dict[str, Any]
    options: TaskOptions


def make_task(name: str, scenario: Scenario, options: TaskOptions) -> Task:
    """A task for a validated scenario (its document loads back to an equal scenario)."""
    return Task(name, scenario_document(scenario), options)


def solve_task(task: Task) -> dict[str, Any]:
    """Validate, solve and check one week; the comparison numbers and the roster as JSON text."""
    started = time.monotonic()
    scenario = scenario_from_dict(task.document, task.name)
    outcome = solve_verified(scenario, task.options.solve_options(), strict=task.options.strict)
    numbers = outcome_numbers(scenario, outcome, time.monotonic() - started)
    numbers["roster_json"] = outcome.roster.to_json() if outcome.roster is not None else None
    return numbers


@dataclass
class TaskReport:
    """What became of a task: its result, or the error of its last attempt; every failure kept."""

    name: str
    result: dict[str, Any] | None = None
    attempts: int = 0
    failures: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        """The task returned a result (which may still say: no roster)."""
        return self.result is not None

    @property
    def error(self) -> str | None:
        """The last failure, for a task that never returned a result."""
        return None if self.ok or not self.failures else self.failures[-1]


class Backend(Protocol):
    """Where tasks run. ``run_tasks`` never has more than ``slots()`` of them in flight."""

    def slots(self) -> int:
        """How many tasks may run at once."""
        ...

    def submit(self, fn: TaskFunction, task: Task) -> object:
        """Start ``fn(task)``; returns a handle."""
        ...

    def wait(self, handles: list[object], timeout: float) -> list[object]:
        """The handles among ``handles`` that have finished, waiting at most ``timeout`` seconds."""
        ...

    def outcome(self, handle: object) -> tuple[bool, Any]:
        """(True, result) or (False, error message) of a finished handle."""
        ...

    def abandon(self, handle: object) -> None:
        """Give up on a running task (time-out): stop it if the backend can."""
        ...


def _error_text(exc: BaseException) -> str:
    """``Type: message`` and where it was raised (the last frame), never a whole traceback."""
    frames = traceback.extract_tb(exc.__traceback__)
    where = f" (at {Path(frames[-1].filename).name}:{frames[-1].lineno})" if frames else ""
    return f"{type(exc).__name__}: {exc}{where}"


def run_tasks(
    tasks: Sequence[Task],
    backend: Backend,
    fn: TaskFunction = solve_task,
    timeout: float | None = None,
    on_event: Callable[[Event, TaskReport, str], None] | None = None,
    no_workers_for: float = 300.0,
) -> list[TaskReport]:
    """Run every task, retrying each failed or timed-out one once; reports in the order given.

    ``no_workers_for``: when the backend has had no slot at all (a cluster whose
    workers are gone) for this many seconds, the tasks still waiting fail with that
    reason instead of waiting forever.

    ``timeout``: seconds a task may run from its submission (tasks are submitted only
    when a slot is free, so that is about when it starts). ``on_event`` hears of each
    task that finishes ("done"), fails and is retried ("retry", with the error) or
    fails for good ("failed").
    """
    reports = [TaskReport(task.name) for task in tasks]
    pending: deque[int] = deque(range(len(tasks)))
    running: dict[object, tuple[int, float]] = {}
    idle_since: float | None = None

    def tell(event: Event, index: int, detail: str = "") -> None:
        if on_event is not None:
            on_event(event, reports[index], detail)

    def failed(index: int, message: str) -> None:
        report = reports[index]
        report.failures.append(message)
        log.warning("task %s failed (attempt %d): %s", report.name, report.attempts, message)
        if report.attempts < 2:
            pending.append(index)
            tell("retry", index, message)
        else:
            tell("failed", index, message)

    while pending or running:
        free = backend.slots() - len(running)
        while pending and free > 0:
            index = pending.popleft()
            reports[index].attempts += 1
            try:
                handle = backend.submit(fn, tasks[index])
            except Exception as exc:  # a task that cannot even be sent counts as a failed attempt
                failed(index, f"could not submit: {_error_text(exc)}")
                continue
            running[handle] = (index, time.monotonic())
            free -= 1
        if not running:
            if pending and backend.slots() <= 0:  # a cluster with no workers (yet, or any more)
                idle_since = idle_since or time.monotonic()
                if time.monotonic() - idle_since > no_workers_for:
                    while pending:
                        index = pending.popleft()
                        reports[index].failures.append(f"no worker to run it for {no_workers_for:g} s")
                        tell("failed", index, reports[index].failures[-1])
                time.sleep(0.25)
            continue
        idle_since = None
        for handle in backend.wait(list(running), timeout=0.25):
            index, _ = running.pop(handle)
            ok, value = backend.outcome(handle)
            if ok:
                reports[index].result = value
                tell("done", index)
            else:
                failed(index, str(value))
        if timeout is not None:
            now = time.monotonic()
            for handle, (index, started) in list(running.items()):
                if now - started > timeout:
                    del running[handle]
                    backend.abandon(handle)
                    failed(index, f"timed out after {timeout:g} s")
    return reports


def default_timeout(options: TaskOptions) -> float:
    """Generous: a solve, the conflict search and a best-effort solve, with a wall-clock margin."""
    return 4 * options.time_limit + 120


def usable_cores() -> int:
    """Cores this process may run on (the affinity mask, where the system has one)."""
    if hasattr(os, "sched_getaffinity"):
        return max(1, len(os.sched_getaffinity(0)))
    return max(1, os.cpu_count() or 1)


def check_local_sizing(parallel: int, threads: int, task_workers: int, cores: int | None = None) -> None:
    """Refuse a local pool or cluster whose tasks × CP-SAT workers would oversubscribe the cores."""
    cores = cores or usable_cores()
    if parallel * threads * task_workers > cores:
        raise ValueError(
            f"{parallel} worker(s) × {threads} thread(s) × {task_workers} CP-SAT worker(s) per task = "
            f"{parallel * threads * task_workers} threads on {cores} core(s); choose at most "
            f"{max(1, cores // (threads * task_workers))} worker(s) or fewer CP-SAT workers per task"
        )


# -- backends --------------------------------------------------------------------------------------


class SerialBackend:
    """Runs each task in this process when submitted: the reference a parallel run must match."""

    def __init__(self) -> None:
        self._results: dict[int, tuple[bool, Any]] = {}
        self._next = 0

    def slots(self) -> int:
        """One task at a time."""
        return 1

    def submit(self, fn: TaskFunction, task: Task) -> object:
        """Run ``fn(task)`` now."""
        self._next += 1
        try:
            self._results[self._next] = (True, fn(task))
        except Exception as exc:
            self._results[self._next] = (False, _error_text(exc))
        return self._next

    def wait(self, handles: list[object], timeout: float) -> list[object]:
        """Everything submitted has finished."""
        return list(handles)

    def outcome(self, handle: object) -> tuple[bool, Any]:
        """The result kept at submission."""
        return self._results.pop(handle)  # type: ignore[call-overload]

    def abandon(self, handle: object) -> None:
        """Nothing is ever left running."""
        self._results.pop(handle, None)  # type: ignore[call-overload]


def _process_main(conn: mp_connection.Connection) -> None:
    """A pool process: take (fn, task) pairs until told to stop; Ctrl-C is the parent's business."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    while True:
        message = conn.recv()
        if message is None:
            return
        fn, task = message
        try:
            reply: tuple[bool, Any] = (True, fn(task))
        except Exception as exc:
            reply = (False, _error_text(exc))
        conn.send(reply)


class _PoolProcess:
    def __init__(self, context: Any) -> None:
        self.conn, child = context.Pipe()
        self.process = context.Process(target=_process_main, args=(child,), daemon=True)
        self.process.start()
        child.close()
        self.handle: int | None = None


class LocalProcessBackend:
    """A pool of local processes, one task each at a time; a stuck or dead one is replaced.

    Unlike ``concurrent.futures``, a task that times out is stopped (its process is
    terminated) and a process that dies (killed, out of memory) fails only its task.
    Processes are spawned, not forked: the parent may hold threads (CP-SAT, displays).
    """

    def __init__(self, processes: int) -> None:
        self._context = mp.get_context("spawn")
        self._size = max(1, processes)
        self._pool: list[_PoolProcess] = []
        self._by_handle: dict[int, _PoolProcess] = {}
        self._finished: dict[int, tuple[bool, Any]] = {}
        self._next = 0

    def slots(self) -> int:
        """The pool's size."""
        return self._size

    def submit(self, fn: TaskFunction, task: Task) -> object:
        """Send the task to an idle process (starting one if needed)."""
        worker = next((w for w in self._pool if w.handle is None and w.process.is_alive()), None)
        if worker is None:
            self._pool = [w for w in self._pool if w.process.is_alive() or w.handle is not None]
            worker = _PoolProcess(self._context)
            self._pool.append(worker)
        self._next += 1
        worker.handle = self._next
        self._by_handle[self._next] = worker
        worker.conn.send((fn, task))
        return self._next

    def wait(self, handles: list[object], timeout: float) -> list[object]:
        """Handles whose process answered or died."""
        workers = [self._by_handle[h] for h in handles if h in self._by_handle]  # type: ignore[index]
        watched = [w.conn for w in workers] + [w.process.sentinel for w in workers]
        ready = set(mp_connection.wait(watched, timeout=timeout))
        done = []
        for worker in workers:
            if worker.conn in ready or worker.process.sentinel in ready:
                handle = worker.handle
                assert handle is not None
                self._finished[handle] = self._collect(worker)
                done.append(handle)
        return done

    def _collect(self, worker: _PoolProcess) -> tuple[bool, Any]:
        reply: tuple[bool, Any]
        try:
            reply = worker.conn.recv() if worker.conn.poll() else (False, self._died(worker))
        except (EOFError, OSError):
            reply = (False, self._died(worker))
        self._release(worker)
        return reply

    def _died(self, worker: _PoolProcess) -> str:
        worker.process.join(timeout=5)
        code = worker.process.exitcode
        return f"worker process died (exit code {code})"

    def _release(self, worker: _PoolProcess) -> None:
        if worker.handle is not None:
            self._by_handle.pop(worker.handle, None)
        worker.handle = None
        if not worker.process.is_alive():
            worker.conn.close()
            self._pool.remove(worker)

    def outcome(self, handle: object) -> tuple[bool, Any]:
        """The answer collected by ``wait``."""
        return self._finished.pop(handle)  # type: ignore[call-overload]

    def abandon(self, handle: object) -> None:
        """Terminate the task's process; the next task gets a fresh one."""
        worker = self._by_handle.get(handle)  # type: ignore[call-overload]
        if worker is None:
            return
        worker.process.terminate()
        worker.process.join(timeout=5)
        if worker.process.is_alive():
            worker.process.kill()
            worker.process.join(timeout=5)
        self._release(worker)

    def close(self) -> None:
        """Stop every process (politely, then by force)."""
        for worker in self._pool:
            if worker.handle is None and worker.process.is_alive():
                with suppress(OSError):
                    worker.conn.send(None)
        for worker in self._pool:
            worker.process.join(timeout=2 if worker.handle is None else 0)
            if worker.process.is_alive():
                worker.process.terminate()
                worker.process.join(timeout=5)
        self._pool.clear()
        self._by_handle.clear()


@contextmanager
def local_backend(processes: int) -> Iterator[LocalProcessBackend]:
    """A ``LocalProcessBackend`` that is always shut down, also on Ctrl-C."""
    backend = LocalProcessBackend(processes)
    try:
        yield backend
    finally:
        backend.close()


class DaskBackend:
    """Tasks as Dask futures on a ``distributed`` cluster.

    Slots: per worker, its threads, but no more than its cores hold tasks of
    ``task_workers`` CP-SAT threads each (at least one). A timed-out future is
    cancelled, but a Dask worker cannot stop a thread that is already running: that
    task's CP-SAT time limit still ends it, and its late result is ignored.
    """

    def __init__(self, client: Any, task_workers: int = 1) -> None:
        self.client = client
        self.task_workers = task_workers
        self._cores: dict[str, int] = {}

    def slots(self) -> int:
        """Tasks the cluster's workers can run at once without oversubscribing their cores."""
        threads: dict[str, int] = self.client.nthreads()
        if set(threads) - set(self._cores):  # new workers: ask them for their cores
            self._cores = dict(self.client.run(usable_cores))
        return sum(
            min(n, max(1, self._cores.get(address, n * self.task_workers) // self.task_workers))
            for address, n in threads.items()
        )

    def submit(self, fn: TaskFunction, task: Task) -> object:
        """Ship the task (a document, not a model) to the cluster."""
        key = f"iop-roster-{task.name}-{uuid.uuid4().hex[:8]}"
        return self.client.submit(fn, task, key=key, pure=False)

    def wait(self, handles: list[object], timeout: float) -> list[object]:
        """Futures that have finished, erred or been lost."""
        from distributed import wait

        try:
            done, _ = wait(handles, timeout=timeout, return_when="FIRST_COMPLETED")
        except TimeoutError:
            return []
        return list(done)

    def outcome(self, handle: object) -> tuple[bool, Any]:
        """The future's result, or its error as text."""
        future: Any = handle
        if future.status == "finished":
            return True, future.result()
        if future.status == "error":
            return False, _error_text(future.exception())
        return False, f"task {future.status} on the cluster"

    def abandon(self, handle: object) -> None:
        """Cancel the future (a running thread finishes on its own time limit)."""
        handle.cancel()  # type: ignore[attr-defined]


@contextmanager
def dask_client(
    scheduler: str | None = None,
    local_workers: int | None = None,
    task_workers: int = 1,
    processes: bool = True,
) -> Iterator[Any]:
    """A Dask client: to the scheduler at ``scheduler``, or to a LocalCluster of ``local_workers``.

    A LocalCluster gets one thread per worker, and ``local_workers × task_workers`` must
    fit the cores (``check_local_sizing``). On a remote cluster we only warn: its
    workers were sized by whoever started them (see README, Dask).
    """
    from distributed import Client, LocalCluster

    if scheduler is not None:
        client = Client(scheduler, timeout="30s")
        try:
            client.wait_for_workers(1, timeout=60)
            for warning in oversubscribed_workers(client, task_workers):
                log.warning("%s", warning)
            yield client
        finally:
            client.close()
        return
    workers = local_workers or 1
    check_local_sizing(workers, 1, task_workers)
    cluster = LocalCluster(
        n_workers=workers,
        threads_per_worker=1,
        processes=processes,
        dashboard_address=None,
        silence_logs=logging.ERROR,
    )
    try:
        with Client(cluster) as client:
            yield client
    finally:
        cluster.close()


def oversubscribed_workers(client: Any, task_workers: int) -> list[str]:
    """Warnings for workers whose threads × CP-SAT workers per task exceed their cores."""
    cores = client.run(usable_cores)
    warnings = []
    for address, threads in client.nthreads().items():
        have = cores.get(address)
        if have is not None and threads * task_workers > have:
            fits = max(1, have // task_workers)
            warnings.append(
                f"worker {address}: {threads} thread(s) × {task_workers} CP-SAT worker(s) per task is more "
                f"than its {have} core(s); at most {fits} task(s) at a time will be sent for it "
                f"(start it with --nthreads {fits})"
            )
    return warnings


# -- writing results -------------------------------------------------------------------------------


def write_task_outputs(scenario: Scenario, report: TaskReport, out_dir: Path) -> list[Path]:
    """Check the task's roster again here and write its views into ``out_dir``; [] without a roster.

    Raises ``ValueError`` if the roster that came back fails the checker (a corrupted
    result is never written).
    """
    if report.result is None or not report.result.get("roster_json"):
        return []
    roster = roster_from_dict(json.loads(report.result["roster_json"]), report.name)
    checked = check_roster(scenario, roster)
    if not checked.ok:
        raise ValueError(
            f"{report.name}: the roster that came back breaks {len(checked.violations)} rule(s); not written"
        )
    return write_views(scenario, roster, out_dir)
