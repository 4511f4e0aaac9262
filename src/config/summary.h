// The one-screen summary `ringgate --check-config` prints: listeners, limits, providers with
// their key ids and counts, models, client keys by name. Never prints a secret: no API keys,
// key digests, header values or URL passwords. Any thread; pure.
#pragma once

#include <string>

#include "config/snapshot.h"

namespace rg::config {

std::string summary(const Snapshot& s);

}  // namespace rg::config
