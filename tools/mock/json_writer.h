// JsonWriter: appends JSON to a ByteBuffer, placing commas itself. No allocation beyond
// the buffer's growth. Used by one thread at a time (the owner of the buffer).
#pragma once

#include <cstdint>
#include <string_view>

#include "base/byte_buffer.h"

namespace rg::mock {

class JsonWriter {
  public:
    explicit JsonWriter(ByteBuffer& out) : out_(out) {}

    JsonWriter& begin_object();
    JsonWriter& end_object();
    JsonWriter& begin_array();
    JsonWriter& end_array();
    JsonWriter& key(std::string_view k);
    JsonWriter& str(std::string_view v);
    JsonWriter& num(uint64_t v);
    JsonWriter& num_signed(int64_t v);
    // Fixed-point with `decimals` digits (embedding values); no exponent form.
    JsonWriter& fixed(double v, int decimals);
    JsonWriter& boolean(bool v);
    JsonWriter& null();
    // A value that is already valid JSON (a fragment produced elsewhere).
    JsonWriter& raw(std::string_view json);

    // Shorthands for "key":value.
    JsonWriter& kv(std::string_view k, std::string_view v) { return key(k).str(v); }
    JsonWriter& kv(std::string_view k, const char* v) { return key(k).str(v); }
    JsonWriter& kv(std::string_view k, uint64_t v) { return key(k).num(v); }
    JsonWriter& kv(std::string_view k, uint32_t v) { return key(k).num(v); }
    JsonWriter& kv(std::string_view k, bool v) { return key(k).boolean(v); }
    JsonWriter& kv_null(std::string_view k) { return key(k).null(); }

    // "key":"prefixsuffix" (ids built from a fixed prefix and the request id).
    JsonWriter& kv2(std::string_view k, std::string_view prefix, std::string_view suffix);
    // Marks that a value was appended directly to buffer() (after key()).
    JsonWriter& mark_value() {
        need_comma_ = true;
        return *this;
    }
    // Forgets comma state: the next value starts a new document.
    void reset() { need_comma_ = false; }
    ByteBuffer& buffer() { return out_; }

  private:
    void separate() {
        if (need_comma_) {
            out_.append_char(',');
        }
    }

    ByteBuffer& out_;
    bool need_comma_ = false;
};

// Appends `s` as JSON string content (no quotes), escaping what JSON requires.
void append_json_escaped(ByteBuffer& out, std::string_view s);

}  // namespace rg::mock
