#include "limits/token_estimate.h"

#include <cstring>

namespace rg::limits {

namespace {

struct StringScan {
    size_t end = 0;       // index just past the closing quote (or the input's end)
    uint64_t bytes = 0;   // content bytes, an escape sequence counted as one
    bool spaced = false;  // contains a space or an escaped newline/tab
    bool data_url = false;
};

// `i` is just past an opening quote.
StringScan scan_string(std::string_view s, size_t i) {
    StringScan r;
    r.data_url = s.substr(i, 5) == "data:";
    while (i < s.size()) {
        const void* hit = std::memchr(s.data() + i, '"', s.size() - i);
        const size_t q =
            hit ? static_cast<size_t>(static_cast<const char*>(hit) - s.data()) : s.size();
        // Escapes and spaces only matter for the count and the blob test: walk the run.
        for (; i < q; ++i) {
            if (s[i] == '\\' && i + 1 < q) {
                r.spaced |= s[i + 1] == 'n' || s[i + 1] == 't';
                i += s[i + 1] == 'u' ? 5 : 1;
            } else {
                r.spaced |= s[i] == ' ';
            }
            ++r.bytes;
        }
        if (q >= s.size()) {
            r.end = s.size();
            return r;
        }
        // An odd run of backslashes before the quote escapes it (the walk above may have
        // stepped past a \" pair already, so count from the raw bytes).
        size_t slashes = 0;
        while (slashes < q && s[q - 1 - slashes] == '\\') {
            ++slashes;
        }
        if (slashes % 2 == 0) {
            r.end = q + 1;
            return r;
        }
        i = q + 1;  // the escape's backslash was counted as the quote's one byte
    }
    r.end = s.size();
    return r;
}

bool followed_by_colon(std::string_view s, size_t i) {
    while (i < s.size() && (s[i] == ' ' || s[i] == '\n' || s[i] == '\r' || s[i] == '\t')) {
        ++i;
    }
    return i < s.size() && s[i] == ':';
}

}  // namespace

uint64_t estimate_input_tokens(std::string_view body) {
    uint64_t tokens = 0;
    size_t i = 0;
    while (i < body.size()) {
        const void* hit = std::memchr(body.data() + i, '"', body.size() - i);
        if (hit == nullptr) {
            break;
        }
        const StringScan str =
            scan_string(body, static_cast<size_t>(static_cast<const char*>(hit) - body.data()) + 1);
        i = str.end;
        if (followed_by_colon(body, i)) {
            continue;  // an object key
        }
        const bool blob = str.data_url || (str.bytes >= blob_bytes_min && !str.spaced);
        tokens += blob ? blob_tokens : estimate_tokens_from_text_bytes(str.bytes);
    }
    return tokens;
}

}  // namespace rg::limits
