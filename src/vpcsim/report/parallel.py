"""Run a function over many items on several cores: forked worker processes that inherit the compiled topology.

Design: the traces of a report are independent pure functions of the compiled topology (never of each other), so
they can run in worker processes. Workers are forked (``multiprocessing`` "fork" context) after the topology is
compiled, so each inherits it, copy-on-write, instead of receiving it; only the items (small: ids, targets) go to the
workers and the results (traces, cells) come back, in the items' order. The function is handed to the workers through
a module global set just before the fork, so it may be a closure over the topology. Small batches, one job, or a
platform without fork run in this process: the answer is the same, only slower.
"""

from __future__ import annotations

import gc
import multiprocessing
import os
from collections.abc import Callable, Sequence
from typing import Any, TypeVar

T = TypeVar("T")
R = TypeVar("R")
MIN_ITEMS = 64  # fewer items than this are not worth the workers' start
_WORK: Callable[[Any], Any] | None = None


def default_jobs() -> int:
    """The cores this process may run on (at most 8)."""
    try:
        cores = len(os.sched_getaffinity(0))
    except AttributeError:  # not on Linux
        cores = os.cpu_count() or 1
    return max(1, min(cores, 8))


def _call(item: Any) -> Any:
    assert _WORK is not None
    return _WORK(item)


def fan_out(
    work: Callable[[T], R],
    items: Sequence[T],
    *,
    jobs: int = 1,
    progress: Callable[[int], None] | None = None,
    chunk: int = 8,
) -> list[R]:
    """``[work(item) for item in items]``, on ``jobs`` forked processes when worth it; ``progress(done)`` as it goes."""
    global _WORK
    if jobs <= 1 or len(items) < MIN_ITEMS or "fork" not in multiprocessing.get_all_start_methods():
        found = []
        for done, item in enumerate(items, 1):
            found.append(work(item))
            if progress is not None:
                progress(done)
        return found
    _WORK = work
    gc.freeze()  # the inherited heap is never collected in the workers: their pages stay shared, not copied
    try:
        with multiprocessing.get_context("fork").Pool(jobs) as pool:
            results: list[R] = []
            for done, result in enumerate(pool.imap(_call, items, chunksize=chunk), 1):
                results.append(result)
                if progress is not None and (done % chunk == 0 or done == len(items)):
                    progress(done)
            return results
    finally:
        _WORK = None
        gc.unfreeze()
