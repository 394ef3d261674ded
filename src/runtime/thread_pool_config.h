// Translates the guide's intra-op thread-pool keys (session.intra_op.*, session.dynamic_block_base,
// session.intra_op_thread_affinities) into ThreadPoolSettings. Values were validated when they were
// set (config_keys); this adds the checks that need the thread count and the machine.
#pragma once
#include "core/thread_pool.h"
#include "onyxrt/options.h"

namespace onyxrt::runtime {

ThreadPoolSettings intra_op_pool_settings(const SessionOptions& options, int num_threads);

}  // namespace onyxrt::runtime
