// At session creation, says which of the SessionOptions the user changed have no effect on onyxrt
// yet, so that no option is silently ignored (DESIGN.md). Config entries are reported when set
// (SessionOptions::add_session_config_entry); this covers the named properties and methods.
#pragma once
#include <string>
#include <vector>

#include "core/logger.h"
#include "onyxrt/options.h"

namespace onyxrt {

// Names of the options set to a non-default value whose feature is not effective yet, each as
// "property=value" ("enable_mem_pattern=False", "execution_mode=ORT_PARALLEL", "add_initializer").
std::vector<std::string> ineffective_options(const SessionOptions& options);

// Logs one warning per entry of ineffective_options.
void warn_ineffective_options(const SessionOptions& options, const Logger& logger);

}  // namespace onyxrt
