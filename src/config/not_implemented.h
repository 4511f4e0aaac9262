// Internal to config/. Configuration keys this build parses and validates but does not act
// on yet. A file that uses one is rejected: a setting must never be silently ignored.
// Control thread only.
#pragma once

#include <span>
#include <string_view>

#include "config/path_index.h"

namespace rg::config::detail {

struct NotImplemented {
    std::string_view path;    // a config path, e.g. "server.tls"
    std::string_view reason;  // why, and what brings it
};

// The table (not_implemented.cc); a row goes away when its feature lands.
std::span<const NotImplemented> not_implemented_table();

// Reports "<path>: not implemented in this build yet (<reason>)" at the key of every row
// the file contains.
void check_not_implemented(const PathIndex& index, ErrorSink& sink);

}  // namespace rg::config::detail
