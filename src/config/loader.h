// Loads a YAML configuration: environment substitution, schema walk, validation, then an
// immutable Snapshot, or every error found with its line and column in the original file.
// Control thread only (startup, SIGHUP, --check-config); never on a worker.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "config/snapshot.h"

namespace rg::config {

// One error. line and column are 1-based positions in the original file (before `${VAR}`
// substitution); columns count bytes. 0 means "no position" (e.g. an unreadable file).
struct Diagnostic {
    uint32_t line = 0;
    uint32_t column = 0;
    std::string message;
};

// Looks an environment variable up; returns nullptr when unset. Tests inject their own.
using EnvLookup = std::function<const char*(const std::string& name)>;
// getenv(3): not safe against a concurrent setenv, which the gateway never calls.
EnvLookup process_env();

struct LoadOptions {
    uint64_t generation = 0;  // stamped into Snapshot::generation
    // Parses and validates keys of the not-implemented table (not_implemented.cc) instead
    // of rejecting them, so tests can exercise sections this build does not serve yet.
    bool allow_unimplemented_for_test = false;
};

struct LoadResult {
    std::shared_ptr<const Snapshot> snapshot;  // null when errors is not empty
    std::vector<Diagnostic> errors;            // whole-file ones first, then by position
    bool ok() const { return errors.empty() && snapshot; }
};

LoadResult load_string(std::string_view yaml, std::string_view source_name, const EnvLookup& env,
                       const LoadOptions& options = {});
LoadResult load_file(const std::string& path, const EnvLookup& env,
                     const LoadOptions& options = {});

// "file:12:5: error: message" ("file: error: message" without a position).
std::string format_diagnostic(std::string_view source, const Diagnostic& d);

}  // namespace rg::config
