"""Run a function in a worker process with memory, CPU-time and wall-clock limits (forkserver, readers preloaded).

The app runs inside a multi-threaded Streamlit server, which must never be forked (another thread may
hold a lock the child would inherit, locked forever). Workers are therefore forked from a *forkserver*:
a small single-threaded process started once (by exec, not fork) that has already imported geopandas,
GDAL, openpyxl and the readers (:mod:`ingest.worker_boot`), so a new worker costs about 15 ms.

Each worker lowers its priority (``SETTINGS.parse_nice``), sets ``RLIMIT_AS`` (its address space at start
plus ``memory_mb``), ``RLIMIT_CPU`` and no core dumps, runs one function and sends back the result or the
project error. Its temporary files go to a folder the parent removes afterwards, even when it was killed.
The parent waits without holding the GIL, samples the worker's memory and CPU from ``/proc``, kills it
at the wall-clock limit, and turns what happened into a :class:`~gis.errors.LimitExceededError` that
says which limit was hit. At most ``SETTINGS.parse_workers`` workers run at once; further calls wait.
"""

from __future__ import annotations

import contextlib
import importlib
import math
import multiprocessing
import multiprocessing.context
import multiprocessing.spawn
import os
import resource
import shutil
import signal
import tempfile
import threading
import time
import traceback
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, TypeVar

from gis.errors import LimitExceededError, PlannerError, ReadError, WorkerError
from gis.settings import SETTINGS
from text.messages import Message, msg

T = TypeVar("T")
MB = 1024 * 1024
#: Modules the forkserver imports before forking any worker.
PRELOAD = ["ingest.worker_boot"]
#: The first call starts the forkserver, which imports geopandas and GDAL: allowed this long (s).
STARTUP_TIMEOUT_S = 120.0
#: A worker that dies with its address space this close to the cap (bytes) ran out of memory.
_MEMORY_MARGIN = 64 * MB


@dataclass(frozen=True)
class WorkerLimits:
    """Limits of one worker.

    Attributes
    ----------
    memory_mb : float
        Address space the worker may add to what it has at start (MB; ``RLIMIT_AS``).
    cpu_s : float
        CPU seconds (``RLIMIT_CPU``).
    wall_s : float
        Seconds from the start of the function until the worker is killed.
    """

    memory_mb: float = SETTINGS.parse_memory_mb
    cpu_s: float = SETTINGS.parse_cpu_s
    wall_s: float = SETTINGS.parse_wall_s


@dataclass(frozen=True)
class WorkerReport:
    """What one worker did.

    Attributes
    ----------
    value : Any
        The function's return value (None when it failed).
    error : BaseException or None
        The project error it raised, or the :class:`LimitExceededError` / :class:`ReadError` for a
        worker stopped by a limit or a crash, or a :class:`WorkerError` for a bug.
    peak_rss_mb : float
        The worker's resident memory above its start at its peak (MB; from the worker's own high-water
        mark, or the parent's samples when it was killed).
    start_s : float
        From the call until the worker ran the function (s): the per-upload overhead, with ``total_s -
        start_s - run_s`` for sending the result back.
    run_s : float
        The function itself, in the worker (s).
    total_s : float
        The whole call (s).
    cpu_s : float
        CPU seconds the worker used.
    """

    value: Any
    error: BaseException | None
    peak_rss_mb: float
    start_s: float
    run_s: float
    total_s: float
    cpu_s: float


_lock = threading.Lock()
_context: multiprocessing.context.ForkServerContext | None = None
_slots = threading.BoundedSemaphore(max(1, SETTINGS.parse_workers))
_starting = threading.local()
_original_preparation_data = multiprocessing.spawn.get_preparation_data


def _preparation_data(name: str) -> dict:
    """multiprocessing's data for a new process, without the parent's main module when one of our workers starts.

    A worker only runs importable gis functions, but multiprocessing would re-run the parent's main script in
    every worker (the ``streamlit`` launcher, a benchmark: 0.3-1 s each). The forkserver cannot preload it
    either: Python 3.11-3.12 look for the key ``main_path`` where the data says ``init_main_from_path``.
    Other users of multiprocessing in the process are not affected (the flag is per thread and per start).
    """
    data = _original_preparation_data(name)
    if getattr(_starting, "worker", False):
        data.pop("init_main_from_path", None)
        data.pop("init_main_from_name", None)
    return data


def _forkserver() -> multiprocessing.context.ForkServerContext:
    global _context
    with _lock:
        if _context is None:
            multiprocessing.spawn.get_preparation_data = _preparation_data
            ctx = multiprocessing.get_context("forkserver")
            ctx.set_forkserver_preload(PRELOAD)
            _context = ctx
        return _context


# --- in the worker ----------------------------------------------------------------------------------------
def _proc_status(pid: int | str = "self") -> dict[str, int]:
    """VmSize, VmRSS and VmHWM of a process (kB); empty when it is gone."""
    out = {}
    try:
        with open(f"/proc/{pid}/status") as fh:
            for line in fh:
                key, _, value = line.partition(":")
                if key in ("VmSize", "VmRSS", "VmHWM"):
                    out[key] = int(value.split()[0])
    except (OSError, ValueError, IndexError):
        return {}
    return out


def _proc_cpu_s(pid: int) -> float:
    """User + system CPU seconds of a process (0 when it is gone)."""
    try:
        with open(f"/proc/{pid}/stat") as fh:
            fields = fh.read().rsplit(")", 1)[1].split()
        return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")
    except (OSError, ValueError, IndexError):
        return 0.0


def _pack(exc: PlannerError) -> tuple:
    return type(exc).__module__, type(exc).__qualname__, exc.code, exc.params, exc.problems


def _unpack(packed: tuple) -> PlannerError:
    module, qualname, code, params, problems = packed
    cls = getattr(importlib.import_module(module), qualname, None)
    if not (isinstance(cls, type) and issubclass(cls, PlannerError)):
        cls = PlannerError
    return cls(code, problems=problems, **params)


def scrub_secrets() -> list[str]:
    """Remove secret-looking variables from this process's environment, /proc/self/environ included; their names.

    ``os.environ`` is Python's copy; the strings the process started with stay in its memory, where
    ``/proc/self/environ`` (and a file reader pointed at it) shows them. Their values are overwritten in place
    (ctypes, the C ``environ`` array) and then removed from both. Only for single-threaded processes: the
    forkserver (:mod:`ingest.worker_boot`) and each worker.
    """
    from ingest.door import is_secret_value_or_name

    removed = []
    try:
        import ctypes

        libc = ctypes.CDLL(None)
        environ = ctypes.POINTER(ctypes.c_void_p).in_dll(libc, "environ")
        i = 0
        while environ[i]:
            address = environ[i]
            entry = ctypes.string_at(address)
            raw_name, _, raw_value = entry.partition(b"=")
            if is_secret_value_or_name(raw_name.decode("utf-8", "replace"), raw_value.decode("utf-8", "replace")):
                ctypes.memset(address + len(raw_name) + 1, 0, len(raw_value))
            i += 1
    except (OSError, ValueError, AttributeError):  # no C library symbol: os.environ below is still cleaned
        pass
    for name, value in list(os.environ.items()):
        if is_secret_value_or_name(name, value):
            del os.environ[name]
            removed.append(name)
    return removed


def _child(
    conn: Any, fn: Callable[..., Any], args: tuple, kwargs: dict, memory_mb: float, cpu_s: float, scratch: str
) -> None:
    """The worker: no secrets, limits, a private temp folder, one call, one message back."""
    scrub_secrets()
    with contextlib.suppress(OSError):
        os.nice(SETTINGS.parse_nice)  # the server's own threads (other users' reruns) come first
    resource.setrlimit(resource.RLIMIT_CORE, (0, 0))
    cap = int(_proc_status().get("VmSize", 0) * 1024 + memory_mb * MB)
    resource.setrlimit(resource.RLIMIT_AS, (cap, cap))
    cpu = max(1, math.ceil(cpu_s))
    resource.setrlimit(resource.RLIMIT_CPU, (cpu, cpu + 2))
    tempfile.tempdir = scratch
    os.environ["TMPDIR"] = os.environ["CPL_TMPDIR"] = scratch
    try:
        with open("/proc/self/clear_refs", "w") as fh:  # reset the high-water mark to what is resident now
            fh.write("5")
    except OSError:
        pass
    rss0 = _proc_status().get("VmRSS", 0)
    conn.send(("started", cap))
    t0 = time.monotonic()
    outcome: tuple
    try:
        outcome = ("ok", fn(*args, **kwargs))
    except MemoryError:
        outcome = ("limit", "memory")
    except PlannerError as exc:
        outcome = ("planner", _pack(exc))
    except BaseException as exc:  # a bug, not a refusal: the traceback goes to the server log
        outcome = ("bug", "".join(traceback.format_exception(exc)))
    stats = {
        "run_s": time.monotonic() - t0,
        "peak_mb": (_proc_status().get("VmHWM", 0) - rss0) / 1024,
        "cpu_s": time.process_time(),
    }
    try:
        conn.send((*outcome, stats))
    except MemoryError:
        conn.send(("limit", "memory", stats))
    except Exception as exc:  # the result could not be pickled: a bug
        conn.send(("bug", "".join(traceback.format_exception(exc)), stats))
    conn.close()


# --- in the parent ----------------------------------------------------------------------------------------
def _limit_error(kind: str, limits: WorkerLimits, task: Message) -> LimitExceededError:
    if kind == "memory":
        return LimitExceededError("limit_memory", limit="memory", task=task, limit_mb=round(limits.memory_mb))
    if kind == "cpu":
        return LimitExceededError("limit_cpu", limit="cpu", task=task, limit_s=f"{limits.cpu_s:g}")
    return LimitExceededError("limit_wall", limit="wall", task=task, limit_s=f"{limits.wall_s:g}")


def run_in_worker(
    fn: Callable[..., Any],
    args: tuple = (),
    kwargs: dict | None = None,
    *,
    limits: WorkerLimits = WorkerLimits(),
    task: Message | None = None,
) -> WorkerReport:
    """Run ``fn(*args, **kwargs)`` in a worker with ``limits``; never raises for what the function does.

    Parameters
    ----------
    fn : callable
        A function of an importable module (pickled by reference; never one defined in a script's
        ``__main__``, which workers do not import); its arguments and result must pickle.
    limits : WorkerLimits
    task : Message, optional
        What the worker does, named in limit messages (e.g. ``msg("imp_task_read", file=name)``).

    Returns
    -------
    WorkerReport
        ``error`` holds the project error, a :class:`LimitExceededError` naming the limit that was hit,
        a :class:`ReadError` for a worker that crashed, or a :class:`WorkerError` for a bug.
    """
    task = task or msg("worker_task_generic")
    ctx = _forkserver()
    t_call = time.monotonic()
    with _slots:
        scratch = tempfile.mkdtemp(prefix="putuo-worker-")
        receiver, sender = ctx.Pipe(duplex=False)
        proc = ctx.Process(
            target=_child,
            args=(sender, fn, tuple(args), dict(kwargs or {}), limits.memory_mb, limits.cpu_s, scratch),
            daemon=True,
        )
        _starting.worker = True
        try:
            proc.start()
        except Exception as exc:
            shutil.rmtree(scratch, ignore_errors=True)
            raise WorkerError(f"the worker process could not start: {exc!r}") from exc
        finally:
            _starting.worker = False
        sender.close()
        try:
            return _supervise(proc, receiver, limits, task, t_call)
        finally:
            if proc.is_alive():
                proc.kill()
            proc.join(10)
            receiver.close()
            shutil.rmtree(scratch, ignore_errors=True)


def _supervise(proc: Any, receiver: Any, limits: WorkerLimits, task: Message, t_call: float) -> WorkerReport:
    started = None
    cap = 0
    deadline = t_call + STARTUP_TIMEOUT_S
    rss0 = peak = vm = 0
    cpu = 0.0
    killed = False
    interval = 0.005
    while True:
        if receiver.poll(interval):
            try:
                message = receiver.recv()
            except (EOFError, OSError):  # the worker died without a word: find out how below
                break
            if message[0] == "started":
                started, cap = time.monotonic(), message[1]
                deadline = started + limits.wall_s
                continue
            return _report(message, limits, task, t_call, started, peak - rss0 if rss0 else 0)
        status = _proc_status(proc.pid)
        if status:
            rss0 = rss0 or (status["VmRSS"] if started else 0)
            peak, vm = max(peak, status["VmRSS"]), status["VmSize"]
            cpu = _proc_cpu_s(proc.pid) or cpu
        if not proc.is_alive():
            if receiver.poll(0):  # it finished between two looks: read what it sent (or reach EOF) first
                continue
            break
        if time.monotonic() > deadline:
            proc.kill()
            killed = True
            break
        interval = min(interval * 1.5, 0.1)
    proc.join(10)
    total = time.monotonic() - t_call
    start_s = (started or time.monotonic()) - t_call
    growth = max(0.0, (peak - rss0) / 1024) if rss0 else 0.0
    if started is None:
        error: BaseException = WorkerError(
            f"the worker process did not start (exit code {proc.exitcode}, killed={killed})"
        )
    elif killed:
        error = _limit_error("wall", limits, task)
    else:
        code = proc.exitcode or 0
        sig = -code if code < 0 else 0
        if sig == signal.SIGXCPU or (sig == signal.SIGKILL and cpu >= limits.cpu_s - 1.0):
            error = _limit_error("cpu", limits, task)
        elif cap and vm * 1024 >= cap - _MEMORY_MARGIN or sig == signal.SIGKILL:
            error = _limit_error("memory", limits, task)  # SIGKILL without the CPU limit: the kernel's OOM killer
        else:
            name = signal.Signals(sig).name if sig else f"exit code {code}"
            error = ReadError("worker_crashed", task=task, signal=name)
    return WorkerReport(
        value=None,
        error=error,
        peak_rss_mb=growth,
        start_s=start_s,
        run_s=max(0.0, total - start_s),
        total_s=total,
        cpu_s=cpu,
    )


def _report(
    message: tuple, limits: WorkerLimits, task: Message, t_call: float, started: float | None, sampled_kb: int
) -> WorkerReport:
    kind, payload, stats = message
    total = time.monotonic() - t_call
    start_s = (started or t_call) - t_call
    peak = max(stats["peak_mb"], sampled_kb / 1024, 0.0)
    value: Any = None
    error: BaseException | None = None
    if kind == "ok":
        value = payload
    elif kind == "limit":
        error = _limit_error(payload, limits, task)
    elif kind == "planner":
        error = _unpack(payload)
    else:
        error = WorkerError(payload)
    return WorkerReport(
        value=value,
        error=error,
        peak_rss_mb=peak,
        start_s=start_s,
        run_s=stats["run_s"],
        total_s=total,
        cpu_s=stats["cpu_s"],
    )


def run_limited(
    fn: Callable[..., T],
    *args: Any,
    memory_mb: float | None = None,
    cpu_s: float | None = None,
    wall_s: float | None = None,
    task: Message | None = None,
    **kwargs: Any,
) -> T:
    """``fn(*args, **kwargs)`` in a worker with limits (default: the upload limits of ``SETTINGS``).

    Raises the function's project error as if it had been called here, a :class:`LimitExceededError`
    naming the limit that was hit (memory MB, CPU s, wall-clock s), a :class:`ReadError` when the
    worker crashed, or :class:`WorkerError` for a bug in the function.
    """
    defaults = WorkerLimits()
    limits = WorkerLimits(
        memory_mb=defaults.memory_mb if memory_mb is None else memory_mb,
        cpu_s=defaults.cpu_s if cpu_s is None else cpu_s,
        wall_s=defaults.wall_s if wall_s is None else wall_s,
    )
    report = run_in_worker(fn, args, kwargs, limits=limits, task=task)
    if report.error is not None:
        raise report.error
    return report.value


def _noop() -> int:
    return os.getpid()


def warm_up() -> float:
    """Start the forkserver (imports geopandas, GDAL, the readers) and run one empty worker; seconds taken.

    Call it once when the app starts (e.g. in a background thread) so the first upload does not wait.
    """
    t0 = time.monotonic()
    run_limited(_noop, wall_s=STARTUP_TIMEOUT_S)
    return time.monotonic() - t0
