#!/usr/bin/env bash
# Runs every onyxrt test after the same set-up as the demo (scripts/setup.sh):
#   1. C++ unit tests (GoogleTest via ctest), warnings as errors          build/ctest
#      and again with the AVX2 and the portable kernels dispatched (ONYXRT_ISA)
#   2. the library and unit tests under AddressSanitizer + UBSan          build/asan
#   3. the C++ example built against the installed CMake package         build/install, build/example
#   4. the `onyxrt` CLI on the demo models compared with onnxruntime     build/cli
#   5. the Python tests (pytest tests/python), conformance list included, then again with the
#      portable kernels dispatched (and the AVX2 ones on an AVX-512 CPU)
# Set ONYXRT_FULL_CONFORMANCE=1 to also run the whole ONNX backend suite as a report.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
REPO="$(pwd)"
# ccache keys on paths relative to the checkout, so every clone and build folder shares hits.
export CCACHE_BASEDIR="$REPO" CCACHE_NOHASHDIR=1
JOBS="${ONYXRT_JOBS:-2}"
START=$(date +%s)

step() { echo; echo "=== [$(( $(date +%s) - START ))s] $*"; }

step "set-up"
# The wheel is built with the same flags as the C++ test build below, so ccache compiles the
# library once for both.
export SKBUILD_CMAKE_DEFINE="ONYXRT_WERROR=ON"
bash scripts/setup.sh
export PATH="$REPO/.venv/bin:$PATH"
PY="$REPO/.venv/bin/python"

step "C++ unit tests"
cmake -S . -B build/ctest -G Ninja -DCMAKE_BUILD_TYPE=Release -DONYXRT_BUILD_TESTS=ON -DONYXRT_BUILD_BENCH=ON -DONYXRT_WERROR=ON \
  -DCMAKE_INSTALL_PREFIX="$REPO/build/install" >/dev/null
cmake --build build/ctest -j"$JOBS"
ctest --test-dir build/ctest --output-on-failure -j"$JOBS"

step "C++ unit tests on the narrower dispatch paths (ONYXRT_ISA=avx2, then portable)"
# On a wider CPU the kernels' AVX2 and portable paths are otherwise only tested variant by variant;
# here every test also runs with them dispatched, as on an AVX2-only or older CPU. (A Winograd
# split that was bitwise thread-dependent only with the AVX2 direct tiles passed on AVX-512.)
for isa in avx2 portable; do
  ONYXRT_ISA="$isa" build/ctest/tests/onyxrt_tests --gtest_brief=1
done

step "C++ unit tests under AddressSanitizer and UndefinedBehaviorSanitizer"
# -O1 keeps the sanitized build quick to compile while still catching what -O0 would; the CLI is
# not needed here. -fno-sanitize-recover (cmake/warnings.cmake) makes any UBSan report fatal.
cmake -S . -B build/asan -G Ninja -DCMAKE_BUILD_TYPE=Debug -DCMAKE_CXX_FLAGS_DEBUG="-O1 -g" \
  -DONYXRT_BUILD_TESTS=ON -DONYXRT_SANITIZE=ON -DONYXRT_BUILD_CLI=OFF >/dev/null
export ASAN_OPTIONS="detect_leaks=1:abort_on_error=1:strict_string_checks=1:detect_stack_use_after_return=1"
export UBSAN_OPTIONS="print_stacktrace=1:halt_on_error=1"
cmake --build build/asan -j"$JOBS" --target onyxrt_tests
ctest --test-dir build/asan --output-on-failure -j"$JOBS"
unset ASAN_OPTIONS UBSAN_OPTIONS

step "C++ example against the installed package"
rm -rf build/install build/example build/reference
cmake --install build/ctest --prefix "$REPO/build/install" >/dev/null
cmake -S examples/cpp -B build/example -G Ninja -DCMAKE_BUILD_TYPE=Release -DCMAKE_PREFIX_PATH="$REPO/build/install" >/dev/null
cmake --build build/example -j"$JOBS"
for model in demo_cnn demo_mlp; do
  "$PY" scripts/make_reference_npy.py "models/$model.onnx" "build/reference/$model"
  build/example/run_model "models/$model.onnx" "build/reference/$model"
done

step "CLI (the pip-installed console script) compared with onnxruntime"
rm -rf build/cli
for model in demo_cnn demo_mlp; do
  onyxrt inspect "models/$model.onnx"
  inputs=()
  for f in build/reference/$model/inputs/*.npy; do
    inputs+=(--input "$(basename "$f" .npy)=$f")
  done
  onyxrt run "models/$model.onnx" "${inputs[@]}" --repeat 5 --output-dir "build/cli/$model"
  "$PY" scripts/compare_npy_dirs.py "build/reference/$model/expected" "build/cli/$model"
done
onyxrt run models/demo_cnn.onnx --random-inputs --dim N=3 --optimization-level 0 --intra-op-threads 1 >/dev/null

if [ "${ONYXRT_FULL_CONFORMANCE:-0}" = "1" ]; then
  step "full ONNX backend conformance sweep (report only)"
  "$PY" tests/conformance/run_backend_suite.py --report-dir build/conformance || true
fi

step "Python tests"
# pytest exits 5 when it collects nothing; that is a failure here, as any non-zero status is.
"$PY" -m pytest tests/python -q -p no:cacheprovider

step "Python tests with the portable kernels dispatched (ONYXRT_ISA=portable), and the AVX2 ones on an AVX-512 CPU"
# Whole models through the paths of an older CPU: fusions, layouts and kernel choices that differ
# by ISA (the NCHW8c pass and Winograd are skipped on portable, as on a CPU without AVX2).
ONYXRT_ISA=portable "$PY" -m pytest tests/python -q -p no:cacheprovider
if grep -qw avx512f /proc/cpuinfo; then
  ONYXRT_ISA=avx2 "$PY" -m pytest tests/python -q -p no:cacheprovider
fi
echo "test.sh: every step passed in $(( $(date +%s) - START ))s"
