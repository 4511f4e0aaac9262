#include "proxy/stream_output.h"

#include "translate/stream_scan.h"

namespace rg::proxy {
namespace {

// Bytes of the JSON string at the start of `v` (escapes counted as written); 0 when `v`
// does not start with a string.
uint64_t string_bytes(std::string_view v) {
    if (v.empty() || v[0] != '"') {
        return 0;
    }
    for (size_t i = 1; i < v.size(); ++i) {
        if (v[i] == '\\') {
            ++i;
        } else if (v[i] == '"') {
            return i - 1;
        }
    }
    return v.size() - 1;  // cut: count what is there
}

// The longest string among the members named `keys` (first occurrence of each).
template <size_t N>
uint64_t text_bytes(std::string_view data, const std::string_view (&keys)[N]) {
    uint64_t best = 0;
    for (std::string_view k : keys) {
        uint64_t n = string_bytes(translate::json_find_member(data, k));
        best = n > best ? n : best;
    }
    return best;
}

}  // namespace

uint64_t delta_output_tokens(translate::StreamFormat format, const translate::SseEvent& event) {
    if (!translate::carries_content(format, event)) {
        return 0;
    }
    uint64_t bytes = 0;
    switch (format) {
        case translate::StreamFormat::openai_chat: {
            static constexpr std::string_view keys[] = {"content", "reasoning_content", "arguments",
                                                        "text"};
            bytes = text_bytes(event.data, keys);
            break;
        }
        case translate::StreamFormat::openai_responses: {
            static constexpr std::string_view keys[] = {"delta"};
            bytes = text_bytes(event.data, keys);
            break;
        }
        case translate::StreamFormat::anthropic: {
            static constexpr std::string_view keys[] = {"text", "thinking", "partial_json"};
            bytes = text_bytes(event.data, keys);
            break;
        }
        case translate::StreamFormat::gemini_sse:
        case translate::StreamFormat::gemini_json_array: {
            static constexpr std::string_view keys[] = {"text"};
            bytes = text_bytes(event.data, keys);
            break;
        }
    }
    // Whole tokens of about four bytes, rounded down, at least one: a one-token delta such
    // as " hello" (6 bytes) counts one.
    uint64_t tokens = bytes / 4;
    return tokens > 0 ? tokens : 1;
}

translate::StreamFormat stream_format_of(translate::Format format) {
    switch (format) {
        case translate::Format::openai_responses:
            return translate::StreamFormat::openai_responses;
        case translate::Format::anthropic:
            return translate::StreamFormat::anthropic;
        case translate::Format::gemini:
            return translate::StreamFormat::gemini_sse;
        case translate::Format::openai_chat:
            break;
    }
    return translate::StreamFormat::openai_chat;
}

}  // namespace rg::proxy
