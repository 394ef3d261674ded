"""A progress bar: tqdm when installed, else a one-line bar on stderr."""
from __future__ import annotations

import sys
import time


class _SimpleBar:
    def __init__(self, total: int, desc: str):
        self.total, self.desc, self.n = max(total, 1), desc, 0
        self.postfix = ""
        self.start = time.perf_counter()
        self._draw()

    def _draw(self) -> None:
        width = 30
        done = int(width * self.n / self.total)
        elapsed = time.perf_counter() - self.start
        sys.stderr.write(f"\r{self.desc} [{'#' * done}{'.' * (width - done)}] {self.n}/{self.total} "
                         f"{elapsed:.0f}s {self.postfix[:60]:<60}")
        sys.stderr.flush()

    def update(self, n: int = 1) -> None:
        self.n += n
        self._draw()

    def set_postfix_str(self, text: str) -> None:
        self.postfix = text
        self._draw()

    def write(self, text: str) -> None:
        sys.stderr.write("\r" + " " * 120 + "\r" + text + "\n")
        self._draw()

    def close(self) -> None:
        sys.stderr.write("\n")


def progress_bar(total: int, desc: str, enabled: bool = True):
    if not enabled:
        return _SilentBar()
    try:
        from tqdm import tqdm
    except ImportError:
        return _SimpleBar(total, desc)
    bar = tqdm(total=total, desc=desc, unit="step", dynamic_ncols=True)
    bar.write = tqdm.write  # type: ignore[method-assign]
    return bar


class _SilentBar:
    def update(self, n: int = 1) -> None:
        pass

    def set_postfix_str(self, text: str) -> None:
        pass

    def write(self, text: str) -> None:
        print(text, file=sys.stderr)

    def close(self) -> None:
        pass
