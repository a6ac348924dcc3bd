"""CPU time and memory of the processes under test, read around each measured run.

A system's server is a process tree (the uvicorn supervisor and its workers,
or one node process); its CPU time is the sum of user and system time over the
tree, its peak RSS the sum of each process's high-water mark (``VmHWM`` in
/proc, Linux): an upper bound of the tree's simultaneous peak.
"""

from __future__ import annotations

import os
import time
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

import psutil


def tree(pid: int) -> list[psutil.Process]:
    """The process and its live descendants."""
    try:
        root = psutil.Process(pid)
        return [root, *root.children(recursive=True)]
    except psutil.NoSuchProcess:
        return []


def cpu_seconds(pid: int) -> float:
    """User + system CPU seconds of the tree so far (exited children not counted)."""
    total = 0.0
    for process in tree(pid):
        try:
            times = process.cpu_times()
        except psutil.NoSuchProcess:
            continue
        total += float(times.user) + float(times.system)
    return total


def _status_kib(pid: int, field: str) -> int:
    try:
        text = Path(f"/proc/{pid}/status").read_text()
    except (FileNotFoundError, ProcessLookupError, PermissionError):
        return 0
    for line in text.splitlines():
        if line.startswith(field + ":"):
            return int(line.split()[1])
    return 0


@dataclass(frozen=True)
class Memory:
    #: Sum over the tree of each process's peak resident set (VmHWM), bytes.
    peak_rss: int
    #: Sum over the tree of the current resident set (VmRSS), bytes.
    rss: int
    processes: int


def memory(pid: int) -> Memory:
    pids = [p.pid for p in tree(pid)]
    return Memory(
        peak_rss=sum(_status_kib(p, "VmHWM") for p in pids) * 1024,
        rss=sum(_status_kib(p, "VmRSS") for p in pids) * 1024,
        processes=len(pids),
    )


def machine_busy_seconds() -> float:
    """CPU seconds the whole machine spent busy since boot (all cores; /proc/stat)."""
    try:
        fields = Path("/proc/stat").read_text().splitlines()[0].split()[1:]
    except (OSError, IndexError):
        return 0.0
    user, nice, system, _idle, _iowait, irq, softirq, steal = (int(f) for f in fields[:8])
    return (user + nice + system + irq + softirq + steal) / os.sysconf("SC_CLK_TCK")


@dataclass(frozen=True)
class CpuSnapshot:
    wall: float
    #: Role (server, neo4j) → CPU seconds of that process tree.
    trees: Mapping[str, float]
    #: CPU seconds of this process (the load driver; the floor's driver too).
    client: float
    #: Busy CPU seconds of the whole machine.
    machine: float


def snapshot(roots: Mapping[str, int]) -> CpuSnapshot:
    return CpuSnapshot(
        wall=time.perf_counter(),
        trees={role: cpu_seconds(pid) for role, pid in roots.items()},
        client=time.process_time(),
        machine=machine_busy_seconds(),
    )


def cpu_used(before: CpuSnapshot, after: CpuSnapshot) -> dict[str, float]:
    """CPU seconds per role between two snapshots, the client's, and everything else's."""
    used = {role: after.trees[role] - before.trees.get(role, 0.0) for role in after.trees}
    used["client"] = after.client - before.client
    used["other"] = max(0.0, after.machine - before.machine - sum(used.values()))
    return used


def other_share(before: CpuSnapshot, after: CpuSnapshot, used: Mapping[str, float]) -> float:
    """The share of the machine's CPU capacity that processes outside the test used."""
    capacity = (after.wall - before.wall) * (os.cpu_count() or 1)
    return used.get("other", 0.0) / capacity if capacity > 0 else 0.0
