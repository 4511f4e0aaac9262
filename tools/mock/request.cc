#include "mock/request.h"

namespace rg::mock {

void Request::reset() {
    method_ = {};
    target_.clear();
    count_ = 0;
    name_open_ = false;
    keep_alive_ = true;
    head_bytes_ = 0;
    body_.clear();
}

std::string_view Request::path() const {
    std::string_view t = target_;
    return t.substr(0, t.find('?'));
}

std::string_view Request::query() const {
    std::string_view t = target_;
    size_t q = t.find('?');
    return q == std::string_view::npos ? std::string_view{} : t.substr(q + 1);
}

std::string_view Request::header(std::string_view lower_name) const {
    for (uint32_t i = 0; i < count_; ++i) {
        if (headers_[i].first == lower_name) {
            return headers_[i].second;
        }
    }
    return {};
}

void Request::append_header_name(std::string_view s) {
    if (!name_open_) {
        if (count_ == headers_.size()) {
            headers_.emplace_back();
        }
        headers_[count_].first.clear();
        headers_[count_].second.clear();
        ++count_;
        name_open_ = true;
    }
    std::string& name = headers_[count_ - 1].first;
    for (char c : s) {
        name.push_back(c >= 'A' && c <= 'Z' ? static_cast<char>(c + 32) : c);
    }
}

void Request::append_header_value(std::string_view s) {
    headers_[count_ - 1].second.append(s);
}

void Request::finish_header() {
    name_open_ = false;
}

std::string_view query_param(std::string_view query, std::string_view name) {
    while (!query.empty()) {
        size_t amp = query.find('&');
        std::string_view item = query.substr(0, amp);
        query = amp == std::string_view::npos ? std::string_view{} : query.substr(amp + 1);
        size_t eq = item.find('=');
        if (item.substr(0, eq) == name) {
            return eq == std::string_view::npos ? std::string_view{} : item.substr(eq + 1);
        }
    }
    return {};
}

std::string percent_decode(std::string_view s) {
    auto hex = [](char c) -> int {
        if (c >= '0' && c <= '9') {
            return c - '0';
        }
        if (c >= 'a' && c <= 'f') {
            return c - 'a' + 10;
        }
        if (c >= 'A' && c <= 'F') {
            return c - 'A' + 10;
        }
        return -1;
    };
    std::string out;
    out.reserve(s.size());
    for (size_t i = 0; i < s.size(); ++i) {
        if (s[i] == '%' && i + 2 < s.size() && hex(s[i + 1]) >= 0 && hex(s[i + 2]) >= 0) {
            out.push_back(static_cast<char>(hex(s[i + 1]) * 16 + hex(s[i + 2])));
            i += 2;
        } else {
            out.push_back(s[i]);
        }
    }
    return out;
}

}  // namespace rg::mock
