"""One-shot check of a build on another machine (the lent device machine: an AVX-512 Xeon), with
no Python build there: the C++ tests (AVX-512 variants run where the CPU has them), the SGEMM
benchmark, and model latency of the `onyxrt run` CLI (full dispatch, and capped at AVX2 with
ONYXRT_ISA) against the onnxruntime package, on the same inputs, interleaved, median of 3 rounds.

Layout it expects in CHECK_DIR, a folder directly in the checkout (default: this file's folder),
copied from a build tree and bench/.cache/:
    bin/    onyxrt_tests, onyxrt, bench_sgemm, libonyxrt.so.0
    models/ NAME.onnx and NAME.inputs.npz
Usage: OUT=<dir> python3 device_check.py [model deadline s]; env SKIP_PRE=1 skips the tests and
SGEMM, SKIP_SGEMM=1 the SGEMM only, MODELS=a,b picks models. The C++ tests read
ONYXRT_TEST_DATA_DIR from the build machine's path, so the checkout must be reachable at /work/main.
"""
import json, os, re, statistics, subprocess, sys, time
from pathlib import Path

import numpy as np

ROOT = Path(os.environ.get("CHECK_DIR", Path(__file__).parent)).resolve()
BIN = ROOT / "bin"
OUT = Path(os.environ.get("OUT", "/tmp/out"))
OUT.mkdir(parents=True, exist_ok=True)
ENV = dict(os.environ, LD_LIBRARY_PATH=str(BIN), OMP_NUM_THREADS="1")
T0 = time.time()
DEADLINE = float(sys.argv[1]) if len(sys.argv) > 1 else 420


def sh(cmd, timeout, log, env=ENV):
    t = time.time()
    try:
        p = subprocess.run(cmd, shell=True, capture_output=True, text=True, timeout=timeout, env=env)
        text, rc = p.stdout + p.stderr, p.returncode
    except subprocess.TimeoutExpired as e:
        text, rc = (e.stdout or b"").decode() if isinstance(e.stdout, bytes) else (e.stdout or ""), "timeout"
    (OUT / log).write_text(text)
    print(f"== {cmd[:90]} rc={rc} {time.time() - t:.1f}s", flush=True)
    return text, rc


print(subprocess.run("lscpu | grep -E 'Model name|^CPU\\(s\\)|Thread|L2|L3'; grep -o 'avx512[a-z_0-9]*' /proc/cpuinfo | sort -u | tr '\\n' ' '",
                     shell=True, capture_output=True, text=True).stdout, flush=True)
if not Path("/work/main").exists():
    os.makedirs("/work", exist_ok=True)
    os.symlink(str(ROOT.parent), "/work/main")

if not os.environ.get("SKIP_PRE"):
    text, rc = sh(f"{BIN}/onyxrt_tests --gtest_brief=1", 120, "gtest.log")
    print("\n".join(text.splitlines()[-15:]), flush=True)
    text, rc = sh(f"{BIN}/onyxrt_tests --gtest_filter='*vx512*:*Variant*:*variant*' 2>&1 | grep -cE '^\\[       OK'", 60, "gtest_avx512_count.log")
    print("tests OK in variant/avx512 filter:", text.strip(), flush=True)
    text, rc = sh(f"{BIN}/onyxrt_tests --gtest_filter='*avx512*' 2>&1 | grep -E '^\\[       OK|SKIPPED|FAILED' | cut -c1-100", 60, "gtest_avx512_names.log")
    print(text[-3000:], flush=True)
    for v in () if os.environ.get("SKIP_SGEMM") else ("f32_gemm_14x32_avx512", "f32_gemm_6x16_avx2"):
        text, rc = sh(f"{BIN}/bench_sgemm --seconds 0.25 --threads 1 --variant {v} --out {OUT}/sgemm_{v}.md", 120, f"sgemm_{v}.log")
        print(text, flush=True)

import onnxruntime as ort

MODELS = ["light_resnet50", "mobilenet_v2", "light_inception_v2", "light_vgg19", "light_squeezenet",
          "light_shufflenet", "light_densenet121", "light_inception_v1", "light_bvlc_alexnet", "light_zfnet512"]


def onyx_median(model, feeds_args, threads, reps, isa=None, outdir=None):
    env = dict(ENV)
    if isa:
        env["ONYXRT_ISA"] = isa
    cmd = f"{BIN}/onyxrt run {model} {feeds_args} --repeat {reps + 1} --intra-op-threads {threads}"
    if outdir:
        cmd += f" --output-dir {outdir}"
    p = subprocess.run(cmd, shell=True, capture_output=True, text=True, env=env, timeout=300)
    m = re.search(r"median ([0-9.]+) ms", p.stdout + p.stderr)
    if not m:
        raise RuntimeError((p.stdout + p.stderr)[-2000:])
    return float(m.group(1))


if os.environ.get("MODELS"):
    MODELS = os.environ["MODELS"].split(",")
rows = []
for name in MODELS:
    if time.time() - T0 > DEADLINE:
        print("deadline: skipping", name, flush=True)
        continue
    model = ROOT / "models" / f"{name}.onnx"
    feeds = dict(np.load(ROOT / "models" / f"{name}.inputs.npz"))
    args = []
    for k, v in feeds.items():
        f = f"/tmp/{name}.{re.sub(r'[^A-Za-z0-9_]', '_', k)}.npy"
        np.save(f, v)
        args.append(f"--input {k}={f}")
    feeds_args = " ".join(args)
    for threads in (1, 2):
        so = ort.SessionOptions()
        so.intra_op_num_threads = threads
        sess = ort.InferenceSession(str(model), so, providers=["CPUExecutionProvider"])
        ref = sess.run(None, feeds)
        t = time.perf_counter(); sess.run(None, feeds); one = time.perf_counter() - t
        reps = max(3, min(20, int(0.6 / max(one, 1e-4))))
        res = {"ort": [], "onyx": [], "onyx_avx2": []}
        ok = None
        for rnd in range(3):
            ts = []
            for _ in range(reps):
                t = time.perf_counter(); sess.run(None, feeds); ts.append(time.perf_counter() - t)
            res["ort"].append(1e3 * statistics.median(ts))
            time.sleep(0.2)
            outdir = f"/tmp/o_{name}" if (rnd == 0 and threads == 1) else None
            res["onyx"].append(onyx_median(model, feeds_args, threads, reps, outdir=outdir))
            if outdir:
                outs = [sess.get_outputs()[i].name for i in range(len(ref))]
                got = [np.load(f"{outdir}/" + re.sub(r"[^A-Za-z0-9_.-]", "_", o) + ".npy") for o in outs]
                ok = all(np.allclose(g, r, rtol=1e-3, atol=1e-4) for g, r in zip(got, ref))
                maxd = max(float(np.max(np.abs(g.astype(np.float64) - r))) for g, r in zip(got, ref))
            time.sleep(0.2)
            res["onyx_avx2"].append(onyx_median(model, feeds_args, threads, reps, isa="avx2"))
            time.sleep(0.2)
        med = {k: statistics.median(v) for k, v in res.items()}
        row = dict(model=name, threads=threads, reps=reps, **{k + "_ms": round(v, 3) for k, v in med.items()},
                   ratio=round(med["onyx"] / med["ort"], 3), ratio_avx2=round(med["onyx_avx2"] / med["ort"], 3))
        if ok is not None:
            row.update(outputs_match=ok, max_abs_diff=maxd)
        rows.append(row)
        print(json.dumps(row), flush=True)
        del sess

(OUT / "models.json").write_text(json.dumps(rows, indent=1))
md = ["| model | threads | onnxruntime ms | onyxrt ms | ratio | onyxrt capped at AVX2 ms | ratio |", "|---|---|---|---|---|---|---|"]
for r in rows:
    md.append(f"| {r['model']} | {r['threads']} | {r['ort_ms']:.2f} | {r['onyx_ms']:.2f} | {r['ratio']:.2f} | "
              f"{r['onyx_avx2_ms']:.2f} | {r['ratio_avx2']:.2f} |")
(OUT / "models.md").write_text("\n".join(md) + "\n")
print("\n".join(md))
print(f"total {time.time() - T0:.0f}s")
