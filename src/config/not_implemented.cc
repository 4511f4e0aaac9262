#include "config/not_implemented.h"

#include <string>

namespace rg::config::detail {
namespace {

// Delete a row in the change that makes its feature work (with a test that uses the key).
constexpr NotImplemented table[] = {
    {"storage.redis", "limits shared through Redis are not built yet"},
};

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
