"""Progress lines on stderr for the slow preparations that happen once (unpacking a tarball into
the cache, decoding its images): a few lines each, never one per file, and none on cached loads."""
from __future__ import annotations

import sys

STEPS = 4  # lines after the first one: at a quarter, half, three quarters and all done


def note(message: str):
    """One line on stderr, at once (stdout stays for results)."""
    print(message, file=sys.stderr, flush=True)


class Counter:
    """Prints `what ... done/total` now (`first` instead of `what` on this first line: say more
    there), then each time another 1/`steps` of `total` is done."""

    def __init__(self, what: str, total: int, steps: int = STEPS, first: str | None = None):
        self.what, self.total, self.steps = what, max(int(total), 1), steps
        self.done = self.shown = 0
        self._line(first)

    def add(self, count: int):
        """Count `count` more items done (e.g. one batch)."""
        self.done += int(count)
        step = min(self.done, self.total) * self.steps // self.total
        if step > self.shown:
            self.shown = step
            self._line()

    def _line(self, what: str | None = None):
        note(f"{what or self.what} ... {self.done}/{self.total}")
