#include "translate/stream_scan.h"

#if defined(__SSE2__)
#include <emmintrin.h>
#endif

namespace rg::translate {

namespace {

bool is_json_space(char c) {
    return c == ' ' || c == '\t' || c == '\n' || c == '\r';
}

size_t skip_space(std::string_view s, size_t i) {
    while (i < s.size() && is_json_space(s[i])) {
        ++i;
    }
    return i;
}

// `i` is at an opening quote; returns the index after the closing one (s.size() if none).
size_t skip_string(std::string_view s, size_t i) {
    for (++i; i < s.size(); ++i) {
        if (s[i] == '\\') {
            ++i;
        } else if (s[i] == '"') {
            return i + 1;
        }
    }
    return s.size();
}

// `i` is at the first byte of a value; returns the index after it. Containers are skipped
// by counting brackets outside strings; scalars run to the next delimiter.
size_t skip_value(std::string_view s, size_t i) {
    if (i >= s.size()) {
        return s.size();
    }
    if (s[i] == '"') {
        return skip_string(s, i);
    }
    if (s[i] == '{' || s[i] == '[') {
        size_t depth = 0;
        while (i < s.size()) {
            const char c = s[i];
            if (c == '"') {
                i = skip_string(s, i);
                continue;
            }
            if (c == '{' || c == '[') {
                ++depth;
            } else if ((c == '}' || c == ']') && --depth == 0) {
                return i + 1;
            }
            ++i;
        }
        return s.size();
    }
    while (i < s.size() && s[i] != ',' && s[i] != '}' && s[i] != ']' && !is_json_space(s[i])) {
        ++i;
    }
    return i;
}

// The first i >= from with s[i] == a and s[i + 1] == b, or npos. SSE2 (x86-64 baseline)
// tests 16 positions per step; a quote followed by a key's first letter is rare enough in
// chunk JSON that this beats memmem, which walks the payload a byte at a time.
size_t find_pair(std::string_view s, size_t from, char a, char b) {
    size_t i = from;
#if defined(__SSE2__)
    const __m128i va = _mm_set1_epi8(a);
    const __m128i vb = _mm_set1_epi8(b);
    for (; i + 17 <= s.size(); i += 16) {
        const __m128i x = _mm_loadu_si128(reinterpret_cast<const __m128i*>(s.data() + i));
        const __m128i y = _mm_loadu_si128(reinterpret_cast<const __m128i*>(s.data() + i + 1));
        const int mask =
            _mm_movemask_epi8(_mm_and_si128(_mm_cmpeq_epi8(x, va), _mm_cmpeq_epi8(y, vb)));
        if (mask != 0) {
            return i + static_cast<size_t>(__builtin_ctz(static_cast<unsigned>(mask)));
        }
    }
#endif
    for (; i + 1 < s.size(); ++i) {
        if (s[i] == a && s[i + 1] == b) {
            return i;
        }
    }
    return std::string_view::npos;
}

// The offset of the next `"word"` at or after `from` (its opening quote), or npos.
size_t find_quoted(std::string_view s, std::string_view word, size_t from) {
    if (word.empty()) {
        return std::string_view::npos;
    }
    for (size_t at = find_pair(s, from, '"', word[0]); at != std::string_view::npos;
         at = find_pair(s, at + 1, '"', word[0])) {
        if (s.size() - at >= word.size() + 2 && s.compare(at + 1, word.size(), word) == 0 &&
            s[at + 1 + word.size()] == '"') {
            return at;
        }
    }
    return std::string_view::npos;
}

bool contains_quoted(std::string_view s, std::string_view word) {
    return find_quoted(s, word, 0) != std::string_view::npos;
}

}  // namespace

std::string_view json_find_member(std::string_view json, std::string_view key, size_t from) {
    while (from < json.size()) {
        const size_t quote = find_quoted(json, key, from);
        if (quote == std::string_view::npos) {
            return {};
        }
        from = quote + 1;
        if (quote > 0 && json[quote - 1] == '\\') {
            continue;  // an escaped quote: inside a string
        }
        size_t i = skip_space(json, quote + key.size() + 2);
        if (i >= json.size() || json[i] != ':') {
            continue;
        }
        i = skip_space(json, i + 1);
        if (i < json.size()) {
            return json.substr(i);
        }
    }
    return {};
}

bool json_has_nonempty_string(std::string_view json, std::string_view key) {
    for (size_t from = 0;;) {
        const std::string_view v = json_find_member(json, key, from);
        if (v.empty()) {
            return false;
        }
        if (v[0] == '"' && v.size() >= 2 && v[1] != '"') {
            return true;
        }
        from = static_cast<size_t>(v.data() - json.data());
    }
}

bool json_has_nonempty_array(std::string_view json, std::string_view key) {
    for (size_t from = 0;;) {
        const std::string_view v = json_find_member(json, key, from);
        if (v.empty()) {
            return false;
        }
        if (v[0] == '[') {
            const size_t i = skip_space(v, 1);
            if (i < v.size() && v[i] != ']') {
                return true;
            }
        }
        from = static_cast<size_t>(v.data() - json.data());
    }
}

bool json_has_string_member(std::string_view json, std::string_view key, std::string_view value) {
    if (!contains_quoted(json, value)) {
        return false;  // cheap: most events lack the value altogether
    }
    for (size_t from = 0;;) {
        const std::string_view v = json_find_member(json, key, from);
        if (v.empty()) {
            return false;
        }
        if (v.size() >= value.size() + 2 && v[0] == '"' && v[value.size() + 1] == '"' &&
            v.substr(1, value.size()) == value) {
            return true;
        }
        from = static_cast<size_t>(v.data() - json.data());
    }
}

std::string_view json_top_level_member(std::string_view json, std::string_view key) {
    if (!contains_quoted(json, key)) {
        return {};  // the walk below reads the whole object; most events lack the key
    }
    size_t i = skip_space(json, 0);
    if (i >= json.size() || json[i] != '{') {
        return {};
    }
    i = skip_space(json, i + 1);
    while (i < json.size() && json[i] == '"') {
        const size_t key_end = skip_string(json, i);
        const std::string_view name = json.substr(i + 1, key_end - i - 2);
        i = skip_space(json, key_end);
        if (i >= json.size() || json[i] != ':') {
            return {};
        }
        i = skip_space(json, i + 1);
        if (i >= json.size()) {
            return {};
        }
        if (name == key) {
            return json.substr(i);
        }
        i = skip_space(json, skip_value(json, i));
        if (i >= json.size() || json[i] != ',') {
            return {};
        }
        i = skip_space(json, i + 1);
    }
    return {};
}

std::string_view json_top_level_string(std::string_view json, std::string_view key) {
    const std::string_view v = json_top_level_member(json, key);
    if (v.empty() || v[0] != '"') {
        return {};
    }
    for (size_t i = 1; i < v.size(); ++i) {
        if (v[i] == '\\') {
            return {};
        }
        if (v[i] == '"') {
            return v.substr(1, i - 1);
        }
    }
    return {};
}

}  // namespace rg::translate
