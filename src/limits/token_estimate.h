// Pre-call token estimate for `tokens_per_minute` and `tokens_per_day`: a request's input
// tokens guessed from its JSON body before the upstream counts them. Cheap on purpose (one
// pass over the bytes, no parse, no allocation): the guess is corrected by settle() once the
// upstream reports real usage. Pure; any thread.
#pragma once

#include <cstdint>
#include <string_view>

namespace rg::limits {

// Tokens per blob-like string (an image or audio as base64 or a data: URL). Providers
// bill an image at roughly 85-1600 tokens; counting its base64 bytes / 4 instead would
// refuse a one-image request as if it were a book.
inline constexpr uint64_t blob_tokens = 1000;
// A string value this long with no space in it is taken for a blob.
inline constexpr uint64_t blob_bytes_min = 512;

// ceil(bytes / 4): about four bytes of English per token for current BPE tokenizers.
constexpr uint64_t estimate_tokens_from_text_bytes(uint64_t bytes) {
    return (bytes + 3) / 4;
}

// Sum over the body's JSON string values (object keys are skipped; an escape counts as one
// byte) of ceil(bytes / 4), with blob_tokens for each blob-like value. Non-JSON or truncated
// input still gives a number: the scan never fails.
uint64_t estimate_input_tokens(std::string_view json_body);

}  // namespace rg::limits
