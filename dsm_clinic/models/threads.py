"""Choose torch's intra-op thread count by timing real training steps.

On a shared machine (the 2-core build boxes, a hospital server running other jobs) using every
core is often the slowest choice: torch's OpenMP threads spin at each barrier waiting for a
thread whose core is busy elsewhere, and a step can take 5-10x longer than on one thread. The
best count changes with the load, so the tuner re-measures from time to time.
"""

from __future__ import annotations

import statistics
import time
from collections import Counter
from collections.abc import Callable, Sequence

import torch


class ThreadTuner:
    """Probe each candidate thread count on a few steps, keep the fastest, re-probe every
    `recheck_s` seconds. Call before_step() before and after_step(seconds) after each step."""

    def __init__(self, candidates: Sequence[int], *, probe_steps: int = 2,
                 recheck_s: float = 30.0, clock: Callable[[], float] = time.monotonic):
        self.candidates = sorted({max(1, int(c)) for c in candidates}, reverse=True)
        self.probe_steps = probe_steps
        self.recheck_s = recheck_s
        self.clock = clock
        self.current = self.candidates[0]
        self.used: Counter[int] = Counter()
        self.choices: list[int] = []
        # the first step pays one-time costs (allocations, kernel selection): run it, discard it
        self._warmup = True
        self._queue: list[int] = []
        self._times: dict[int, list[float]] = {}
        self._chosen_at: float | None = None
        self._start_probe()

    def _start_probe(self) -> None:
        if len(self.candidates) > 1:
            self._queue = [c for c in self.candidates for _ in range(self.probe_steps)]
            self._times = {c: [] for c in self.candidates}

    def before_step(self) -> int:
        """Set and return the thread count for the next step."""
        if not self._warmup and not self._queue and self._chosen_at is not None \
                and self.clock() - self._chosen_at >= self.recheck_s:
            self._start_probe()
        if self._queue and not self._warmup:
            self.current = self._queue[0]
        torch.set_num_threads(self.current)
        return self.current

    def after_step(self, seconds: float) -> None:
        """Record how long the step took on the current thread count."""
        self.used[self.current] += 1
        if self._warmup:
            self._warmup = False
            return
        if not self._queue:
            return
        self._times[self._queue.pop(0)].append(seconds)
        if not self._queue:
            self.current = min(self._times, key=lambda c: statistics.median(self._times[c]))
            self.choices.append(self.current)
            self._chosen_at = self.clock()
