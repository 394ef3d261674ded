#include "kernels/sgemm_ukernels.h"

#include "kernels/sgemm_epilogue.h"
#include "kernels/sgemm_gemv.h"

namespace onyxrt::kernels {
namespace {

#define ONYXRT_SGEMM_UKERNEL_ENTRY(name, mr, nr, kc, mc, nc, pred, rows, gemv, pack, in_place, two) \
  SgemmUkernel{#name, mr, nr, kc, mc, nc, pred, name, rows, gemv, pack, in_place, two},
const SgemmUkernel kUkernels[] = {ONYXRT_SGEMM_UKERNELS(ONYXRT_SGEMM_UKERNEL_ENTRY)};
#undef ONYXRT_SGEMM_UKERNEL_ENTRY

}  // namespace

std::span<const SgemmUkernel> sgemm_ukernels() { return kUkernels; }

const SgemmUkernel& sgemm_selected_ukernel() {
  static const SgemmUkernel& selected = [&]() -> const SgemmUkernel& {
    for (const SgemmUkernel& uk : kUkernels)
      if (uk.supported(cpu_features())) return uk;
    return kUkernels[std::size(kUkernels) - 1];  // the portable one supports every CPU
  }();
  return selected;
}

}  // namespace onyxrt::kernels
