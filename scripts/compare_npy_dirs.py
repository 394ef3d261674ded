#!/usr/bin/env python3
"""Compares every EXPECTED/*.npy with the same-named file in ACTUAL (shape, dtype, values).

  python scripts/compare_npy_dirs.py EXPECTED_DIR ACTUAL_DIR [--rtol 1e-4] [--atol 1e-5]

Exits 1 when a file is missing or differs, printing what differs; 0 when all match.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

import numpy as np


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("expected", type=Path)
    parser.add_argument("actual", type=Path)
    parser.add_argument("--rtol", type=float, default=1e-4)
    parser.add_argument("--atol", type=float, default=1e-5)
    args = parser.parse_args()

    expected_files = sorted(args.expected.glob("*.npy"))
    if not expected_files:
        print(f"no .npy files in {args.expected}")
        return 1
    failures = 0
    for path in expected_files:
        other = args.actual / path.name
        if not other.is_file():
            print(f"MISSING {other}")
            failures += 1
            continue
        want, got = np.load(path), np.load(other)
        if want.shape != got.shape or want.dtype != got.dtype:
            print(f"DIFFER  {path.name}: expected {want.dtype}{list(want.shape)}, got {got.dtype}{list(got.shape)}")
            failures += 1
        elif not np.allclose(got, want, rtol=args.rtol, atol=args.atol):
            diff = np.max(np.abs(got.astype(np.float64) - want.astype(np.float64)))
            print(f"DIFFER  {path.name}: max abs diff {diff:.3g} (rtol {args.rtol}, atol {args.atol})")
            failures += 1
        else:
            print(f"match   {path.name}")
    print(f"{len(expected_files) - failures} of {len(expected_files)} outputs match")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
