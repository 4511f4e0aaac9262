// Settings: the slice of the immutable config snapshot a shard runs on. Each pointer
// aliases the snapshot, so the snapshot lives until the last shard lets its settings go
// (h2o's on_context_init, Envoy's TLS slots). Built on the control thread, read-only after.
#pragma once

#include <cstdint>
#include <memory>
#include <string>

#include "server/options.h"

namespace rg::proxy {
struct Config;  // built by the app from the snapshot; opaque to the shard
}
namespace rg::tls {
class ServerContext;  // built by the app from server.tls; opaque to the shard
}

namespace rg::shard {

struct Settings {
    uint64_t generation = 0;  // the config version: 1 at start, +1 per applied reload
    // Where the config came from (/health/detailed): its file, the file's SHA-256 (hex) and
    // when it was loaded (unix ms).
    std::string config_path;
    std::string config_sha256;
    uint64_t loaded_at_unix_ms = 0;
    std::shared_ptr<const server::Options> server;
    std::shared_ptr<const proxy::Config> proxy;  // null when no provider is configured
    // Certificate and key of server.tls, loaded on the control thread when these settings
    // were built (so a reload that cannot load them is refused). Null: plain HTTP. New
    // connections take the newest; each open one keeps its own through its engine.
    std::shared_ptr<tls::ServerContext> server_tls;
};

}  // namespace rg::shard
