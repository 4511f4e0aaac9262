#include "translate/stream_scan.h"

#include <cstring>

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

bool contains(std::string_view haystack, std::string_view needle) {
    return memmem(haystack.data(), haystack.size(), needle.data(), needle.size()) != nullptr;
}

}  // namespace

std::string_view json_find_member(std::string_view json, std::string_view key, size_t from) {
    const size_t n = key.size();
    while (from < json.size()) {
        const void* hit = memmem(json.data() + from, json.size() - from, key.data(), n);
        if (hit == nullptr) {
            return {};
        }
        const size_t at = static_cast<size_t>(static_cast<const char*>(hit) - json.data());
        from = at + 1;
        if (at == 0 || json[at - 1] != '"' || (at >= 2 && json[at - 2] == '\\')) {
            continue;
        }
        if (at + n >= json.size() || json[at + n] != '"') {
            continue;
        }
        size_t i = skip_space(json, at + n + 1);
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
    if (!contains(json, value)) {
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
    if (!contains(json, key)) {
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
