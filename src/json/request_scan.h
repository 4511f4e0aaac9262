// Request scan: finds the top-level fields the gateway routes on ("model", "stream" and
// "stream_options.include_usage") in a JSON request body without building a DOM, and copies
// a body with the model value replaced. Shard-local: each thread scans with its own
// simdjson parser and scratch buffer (thread_local, created on first use, kept up to
// scan_retained_bytes_max), so a warm thread scans without allocating.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string_view>

#include "base/byte_buffer.h"
#include "base/result.h"

namespace rg::json {

// Readable bytes simdjson needs after the document (SIMDJSON_PADDING; request_scan.cc
// checks the two agree). Their content does not matter.
inline constexpr size_t padding_bytes = 64;
// Longest model name accepted, after unescaping. Real ids stay under 100 bytes (fine-tuned
// "ft:..." ids are about 60); 256 matches the config's model-name limit and keeps
// RequestScan a fixed-size value. TODO: move to base/limits.h.
inline constexpr size_t model_bytes_max = 256;
// Parser and scratch capacity a thread keeps between scans. A larger body gets buffers
// sized to it (about 6 bytes per body byte) that are freed right after its scan, so one
// hostile 32 MiB body cannot pin 200 MiB on every shard. 1 MiB covers text-only chats.
inline constexpr size_t scan_retained_bytes_max = 1024 * 1024;

struct ByteRange {
    size_t offset = 0;
    size_t size = 0;
};

// What scan_request() found. Keys are compared after unescaping ("mod\u0065l" is "model"),
// at the top level only: a "model" inside messages never matches. A JSON null counts as
// absent. The model is copied out, so the scan stays valid after the body is gone.
struct RequestScan {
    bool has_model = false;
    bool has_stream = false;          // "stream" is true or false
    bool stream = false;              // "stream": true
    bool include_usage = false;       // "stream_options": {"include_usage": true}
    bool has_stream_options = false;  // a top-level "stream_options" key, whatever its value
    // The raw model token in the body, quotes included: the bytes rewrite_model() replaces.
    ByteRange model_token;
    uint16_t model_size = 0;
    char model_text[model_bytes_max] = {};  // read it through model()

    std::string_view model() const { return {model_text, model_size}; }
};

// Scans `len` bytes at `data`; `capacity` is how many bytes from `data` belong to the
// caller's buffer (len + spare). The spare bytes must not hold data (such as a pipelined
// request): with capacity - len >= padding_bytes the scan zeroes padding_bytes of them and
// parses in place; otherwise it copies the body into the thread's padded scratch buffer.
// (simdjson reads the padding; zeroing it keeps the outcome independent of what it held.)
// Errors: ErrorCode::invalid_argument, Side::downstream, with a short static message for
// the 400 answer: not JSON, not an object, a wrong type or a duplicate of a key read here
// (parsers disagree on which duplicate wins, so "model" twice could pass the gateway's
// model checks with one name and reach the provider with the other).
// Not a validator: values the scan skips are checked for balanced brackets and valid
// UTF-8 only; the provider rejects what else is malformed.
Result<RequestScan> scan_request(char* data, size_t len, size_t capacity);

// The simdjson On-Demand kernel this build runs ("haswell", "westmere", "fallback", ...):
// fixed at compile time by the target flags (RG_X86_LEVEL).
std::string_view ondemand_kernel();

// Scans a body with no known spare capacity (always copies).
Result<RequestScan> scan_request(std::string_view body);

// Scans the unread bytes of `body` in place, with padding_bytes of its spare tail as the
// padding (reserving them allocates only when the buffer is full); its content is unchanged.
Result<RequestScan> scan_request(ByteBuffer& body);

// Appends `body` to `out` with the model token replaced by `new_model` as a JSON string;
// every other byte is copied unchanged. `scan` must come from scanning this `body` and
// have a model.
void rewrite_model(std::string_view body, const RequestScan& scan, std::string_view new_model,
                   ByteBuffer& out);

}  // namespace rg::json
