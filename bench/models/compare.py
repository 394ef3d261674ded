"""Output agreement of an engine with onnxruntime, the reference every other engine is held to."""
from __future__ import annotations

import numpy as np


def compare_outputs(got: list[np.ndarray], ref: list[np.ndarray], rtol: float, atol: float) -> dict:
    """Max absolute and relative difference over all outputs, and whether every element satisfies
    |got - ref| <= atol + rtol * |ref| (numpy.allclose's rule)."""
    if len(got) != len(ref):
        return {"ok": False, "error": f"{len(got)} outputs, onnxruntime gave {len(ref)}"}
    max_abs = max_rel = 0.0
    ok = True
    for i, (g, r) in enumerate(zip(got, ref)):
        g, r = np.asarray(g), np.asarray(r)
        if g.shape != r.shape:
            return {"ok": False, "error": f"output {i} has shape {g.shape}, onnxruntime gave {r.shape}"}
        if g.dtype.kind not in "fc" or r.dtype.kind not in "fc":
            equal = bool(np.array_equal(g, r))
            ok &= equal
            max_abs = max(max_abs, 0.0 if equal else float("inf"))
            continue
        g64, r64 = g.astype(np.float64), r.astype(np.float64)
        diff = np.abs(g64 - r64)
        if diff.size:
            max_abs = max(max_abs, float(np.nanmax(diff)) if not np.isnan(diff).all() else float("nan"))
            max_rel = max(max_rel, float(np.max(diff / np.maximum(np.abs(r64), 1e-12))))
        ok &= bool(np.allclose(g64, r64, rtol=rtol, atol=atol)) and not np.isnan(diff).any()
    return {"ok": bool(ok), "max_abs": max_abs, "max_rel": max_rel}
