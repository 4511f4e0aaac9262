// Snapshot: one validated configuration, built by the loader and immutable afterwards.
// Shared read-only by every worker through std::shared_ptr<const Snapshot>; a reload builds
// a new one and the old one is freed when the last worker lets go of it.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "base/log_options.h"
#include "keys/options.h"
#include "limits/options.h"
#include "metrics/options.h"
#include "proxy/options.h"
#include "server/options.h"
#include "storage/options.h"
#include "upstream/options.h"

namespace rg::config {

struct Snapshot {
    uint64_t generation = 0;  // LoadOptions::generation: the caller counts reloads
    std::string source;       // file path or name given to the loader
    server::Options server;
    upstream::Options upstream;
    keys::HealthOptions health;  // upstream.circuit_breaker, upstream.key_reprobe
    std::vector<keys::ProviderOptions> providers;
    std::vector<proxy::ModelOptions> models;
    proxy::RoutingOptions routing;
    std::vector<limits::ClientKeyOptions> client_keys;
    limits::AuthOptions auth;
    std::vector<limits::PriceOptions> pricing;
    storage::Options storage;
    log::Options logging;
    metrics::Options metrics;
};

}  // namespace rg::config
