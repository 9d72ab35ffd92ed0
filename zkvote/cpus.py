"""How many CPUs this process may use: the default worker count of every multi-threaded
batch (Poseidon batches, the group NTT, the ceremony's constant-time multiplications)."""

import os


def usable_cpus() -> int:
    """The number of CPUs this process may run on (its affinity mask where the OS has one,
    Linux; else all of them); at least 1. Never raises.

    The affinity mask, not ``os.cpu_count()``: a process pinned to one CPU (taskset, a
    container's cpuset) would otherwise start threads that only take turns."""
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except AttributeError:  # no sched_getaffinity outside Linux
        return max(1, os.cpu_count() or 1)
