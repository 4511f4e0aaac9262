// Request: one parsed HTTP request as the connection's llhttp callbacks assemble it.
// Owned by one connection (one worker thread); its storage is reused from request to
// request so a warmed-up keep-alive connection parses without allocating.
#pragma once

#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "base/byte_buffer.h"

namespace rg::mock {

class Request {
  public:
    void reset();

    std::string_view method() const { return method_; }
    std::string_view target() const { return target_; }
    std::string_view path() const;
    std::string_view query() const;
    // Value of a header by lower-case name; empty when absent.
    std::string_view header(std::string_view lower_name) const;
    uint32_t header_count() const { return count_; }
    std::pair<std::string_view, std::string_view> header_at(uint32_t i) const {
        return {headers_[i].first, headers_[i].second};
    }
    const ByteBuffer& body() const { return body_; }
    ByteBuffer& body() { return body_; }
    bool keep_alive() const { return keep_alive_; }

    // Parser-side mutators (llhttp callbacks; data may arrive in pieces).
    void set_method(std::string_view m) { method_ = m; }
    void append_target(std::string_view s) { target_.append(s); }
    void append_header_name(std::string_view s);
    void append_header_value(std::string_view s);
    void finish_header();  // on_header_value_complete
    void set_keep_alive(bool v) { keep_alive_ = v; }
    size_t head_bytes() const { return head_bytes_; }
    void add_head_bytes(size_t n) { head_bytes_ += n; }

  private:
    std::string_view method_;
    std::string target_;
    std::vector<std::pair<std::string, std::string>> headers_;
    uint32_t count_ = 0;
    bool name_open_ = false;
    bool keep_alive_ = true;
    size_t head_bytes_ = 0;
    ByteBuffer body_;
};

// Value of `name` in a query string ("a=1&key=x"); empty when absent. Not
// percent-decoded: keys and flags the mock reads are URL-safe.
std::string_view query_param(std::string_view query, std::string_view name);

// Decodes %XX escapes (for Gemini model names in the path).
std::string percent_decode(std::string_view s);

}  // namespace rg::mock
