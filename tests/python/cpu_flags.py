"""What this CPU offers, for the tests of paths that only run with AVX2+FMA (the NCHW8c layout
pass and Winograd): they are skipped, with the reason, on a portable-only machine, and when
ONYXRT_ISA=portable makes onyxrt dispatch as on one."""

import os

import pytest


def cpu_has_avx2_fma():
    if os.environ.get("ONYXRT_ISA") == "portable":
        return False
    try:
        flags = open("/proc/cpuinfo").read().split()
    except OSError:
        return False
    return "avx2" in flags and "fma" in flags


needs_avx2 = pytest.mark.skipif(not cpu_has_avx2_fma(), reason="the NCHW8c pass and Winograd need the AVX2+FMA kernels")
