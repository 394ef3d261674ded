#!/usr/bin/env python3
"""Export the benchmark's models to ONNX (random weights, fixed seeds) into the cache folder.

    python bench/export_models.py                 # every model, into bench/.cache/
    python bench/export_models.py --models resnet50,bert_base --force

Torch models are exported with the TorchScript-based exporter (dynamo=False), which works offline,
at opset 17 with static shapes. The onnx package's light_* models are copied as they are. Beside
each NAME.onnx goes NAME.inputs.npz, the input feed every engine is run on.
"""
from __future__ import annotations

import argparse
import os
import shutil
import sys
import time
import warnings
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent))
from models import catalog  # noqa: E402


def light_feeds(path: Path, seed: int) -> dict[str, np.ndarray]:
    """Random normal float inputs in the shapes the model declares (all light_* take one image)."""
    import onnx

    model = onnx.load(str(path), load_external_data=False)
    initializers = {t.name for t in model.graph.initializer}
    rng = np.random.default_rng(seed)
    feeds = {}
    for value in model.graph.input:
        if value.name in initializers:
            continue
        ttype = value.type.tensor_type
        if ttype.elem_type != onnx.TensorProto.FLOAT:
            raise SystemExit(f"{path.name}: input '{value.name}' is not float; no feed rule for it")
        shape = [d.dim_value if d.dim_value > 0 else 1 for d in ttype.shape.dim]
        feeds[value.name] = rng.standard_normal(shape, dtype=np.float32)
    return feeds


def export_torch(name: str, out: Path, seed: int) -> dict[str, np.ndarray]:
    import torch

    from models.torch_zoo import BUILDERS

    spec = BUILDERS[name](seed)
    args = tuple(torch.from_numpy(v) for v in spec.feeds.values())
    tmp = out.with_suffix(".onnx.tmp")
    with torch.no_grad(), warnings.catch_warnings():
        warnings.simplefilter("ignore")
        torch.onnx.export(spec.module, args, str(tmp), dynamo=False, opset_version=catalog.EXPORT_OPSET,
                          input_names=list(spec.feeds), output_names=spec.output_names,
                          do_constant_folding=True)
    os.replace(tmp, out)
    return spec.feeds


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--models", default="all", help="comma list of names, or all/torch/light")
    parser.add_argument("--cache", default=None, help=f"output folder (default {catalog.DEFAULT_CACHE})")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--force", action="store_true", help="re-export models already in the cache")
    args = parser.parse_args()

    cache = catalog.cache_dir(args.cache)
    cache.mkdir(parents=True, exist_ok=True)
    failures = []
    for spec in catalog.select(args.models):
        onnx_path = catalog.model_path(cache, spec.name)
        feeds_path = catalog.inputs_path(cache, spec.name)
        if onnx_path.exists() and feeds_path.exists() and not args.force:
            print(f"{spec.name}: cached")
            continue
        start = time.perf_counter()
        try:
            if spec.source == "light":
                shutil.copyfile(catalog.light_model_dir() / f"{spec.name}.onnx", onnx_path)
                feeds = light_feeds(onnx_path, args.seed)
            else:
                feeds = export_torch(spec.name, onnx_path, args.seed)
        except Exception as exc:  # one model failing should not stop the others
            failures.append(spec.name)
            # The TorchScript exporter appends the whole traced graph to its messages.
            print(f"{spec.name}: FAILED {type(exc).__name__}: {str(exc).splitlines()[0][:300]}")
            continue
        np.savez(feeds_path, **feeds)
        size_mb = onnx_path.stat().st_size / 1e6
        print(f"{spec.name}: {size_mb:.1f} MB in {time.perf_counter() - start:.1f} s -> {onnx_path}")
    if failures:
        raise SystemExit(f"failed: {', '.join(failures)}")


if __name__ == "__main__":
    main()
