// Operation: one in-flight submission. Its address is the SQE's user_data, so the ring
// never allocates (TigerBeetle's Completion, liburing's proxy.c). Owned by whoever
// submitted it and used only on that shard's thread.
#pragma once

#include <cstdint>

namespace rg::io {

struct Operation;
// Called once per completion (several times for multishot operations while
// `flags & IORING_CQE_F_MORE`).
using CompletionFn = void (*)(Operation* op, int32_t res, uint32_t flags);

struct Operation {
    CompletionFn on_complete = nullptr;
    void* owner = nullptr;  // the object that embeds this operation
    bool in_flight = false;
};

// user_data for submissions whose completions are deliberately ignored (closes,
// cancellations, shutdowns).
inline constexpr uint64_t ignored_user_data = 0;

}  // namespace rg::io
