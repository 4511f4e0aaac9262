#include "config/not_implemented.h"

#include <array>
#include <string>

namespace rg::config::detail {
namespace {

// Delete a row in the change that makes its feature work (with a test that uses the key).
// Empty: every key of the config contract is built (storage.traces and storage.redis were
// the last).
constexpr std::array<NotImplemented, 0> table{};

}  // namespace

std::span<const NotImplemented> not_implemented_table() {
    return table;
}

void check_not_implemented(const PathIndex& index, ErrorSink& sink) {
    for (const NotImplemented& row : table) {
        if (const PathIndex::Entry* entry = index.find(row.path)) {
            sink.error_at(entry->key, row.path,
                          "not implemented in this build yet (" + std::string(row.reason) + ")");
        }
    }
}

}  // namespace rg::config::detail
