#!/usr/bin/env python3
"""Writes reference data for a model: random inputs and onnxruntime's outputs as .npy files.

  python scripts/make_reference_npy.py MODEL OUT_DIR [--batch 2] [--seed 0]

creates OUT_DIR/inputs/<input>.npy and OUT_DIR/expected/<output>.npy. File names are the value
names with every character other than letters, digits, '.', '_' and '-' replaced by '_', the
rule `onyxrt run --output-dir` uses, so the C++ example and the CLI can be checked against them.
"""

from __future__ import annotations

import argparse
import re
from pathlib import Path

import numpy as np
import onnxruntime

NUMPY_TYPES = {"tensor(float)": np.float32, "tensor(double)": np.float64, "tensor(int64)": np.int64,
               "tensor(int32)": np.int32, "tensor(bool)": np.bool_}


def npy_file_name(value_name: str) -> str:
    return re.sub(r"[^A-Za-z0-9._-]", "_", value_name) + ".npy"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("model", type=Path)
    parser.add_argument("out_dir", type=Path)
    parser.add_argument("--batch", type=int, default=2, help="value given to symbolic dimensions")
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args()

    session = onnxruntime.InferenceSession(str(args.model), providers=["CPUExecutionProvider"])
    rng = np.random.default_rng(args.seed)
    feeds = {}
    for arg in session.get_inputs():
        if arg.type not in NUMPY_TYPES:
            raise SystemExit(f"{args.model}: input {arg.name} has type {arg.type}, not generated here")
        shape = [d if isinstance(d, int) and d >= 0 else args.batch for d in arg.shape]
        feeds[arg.name] = rng.standard_normal(shape).astype(NUMPY_TYPES[arg.type])
    outputs = session.run(None, feeds)

    for sub in ("inputs", "expected"):
        (args.out_dir / sub).mkdir(parents=True, exist_ok=True)
    for name, value in feeds.items():
        np.save(args.out_dir / "inputs" / npy_file_name(name), value)
    for arg, value in zip(session.get_outputs(), outputs):
        np.save(args.out_dir / "expected" / npy_file_name(arg.name), value)
    print(f"wrote {len(feeds)} inputs and {len(outputs)} expected outputs of {args.model} to {args.out_dir}")


if __name__ == "__main__":
    main()
