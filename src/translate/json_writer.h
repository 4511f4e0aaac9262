// Internal to src/translate: a small JSON writer over a ByteBuffer that places commas
// itself. Keys passed as literals must not need escaping; dynamic keys go through
// key_escaped(). Strings use json::append_json_string. No allocation once `out` has room.
#pragma once

#include <charconv>
#include <cstdint>
#include <string_view>

#include "base/assert.h"
#include "base/byte_buffer.h"
#include "json/json_string.h"

namespace rg::translate {

class JsonWriter {
  public:
    explicit JsonWriter(ByteBuffer& out) : out_(out) {}

    ByteBuffer& buffer() { return out_; }

    void begin_object() { open('{'); }
    void end_object() { close('}'); }
    void begin_array() { open('['); }
    void end_array() { close(']'); }

    // A key in the current object; the value follows.
    void key(std::string_view k) {
        comma();
        out_.append_char('"');
        out_.append(k);
        out_.append("\":", 2);
        pending_value_ = true;
    }
    void key_escaped(std::string_view k) {
        comma();
        json::append_json_string(out_, k);
        out_.append_char(':');
        pending_value_ = true;
    }

    void string(std::string_view s) {
        value_start();
        json::append_json_string(out_, s);
    }
    // A value given as JSON text (validated by the caller).
    void raw(std::string_view json) {
        value_start();
        out_.append(json);
    }
    void uint(uint64_t v) {
        value_start();
        out_.append_decimal(v);
    }
    void integer(int64_t v) {
        value_start();
        if (v < 0) {
            out_.append_char('-');
            out_.append_decimal(static_cast<uint64_t>(0) - static_cast<uint64_t>(v));
        } else {
            out_.append_decimal(static_cast<uint64_t>(v));
        }
    }
    void number(double v) {
        value_start();
        char buf[32];
        const std::to_chars_result r = std::to_chars(buf, buf + sizeof(buf), v);
        out_.append(buf, static_cast<size_t>(r.ptr - buf));
    }
    void boolean(bool v) {
        value_start();
        out_.append(v ? std::string_view("true") : std::string_view("false"));
    }
    void null() {
        value_start();
        out_.append("null", 4);
    }

    // Shorthands for "key": value.
    void field(std::string_view k, std::string_view s) {
        key(k);
        string(s);
    }
    void field_raw(std::string_view k, std::string_view json) {
        key(k);
        raw(json);
    }
    void field_uint(std::string_view k, uint64_t v) {
        key(k);
        uint(v);
    }
    void field_bool(std::string_view k, bool v) {
        key(k);
        boolean(v);
    }

  private:
    static constexpr int depth_max = 64;

    void open(char c) {
        value_start();
        RG_ASSERT(depth_ + 1 < depth_max);
        ++depth_;
        has_item_[depth_] = false;
        out_.append_char(c);
    }
    void close(char c) {
        RG_ASSERT(depth_ > 0);
        --depth_;
        out_.append_char(c);
    }
    // Before a value: after a key no comma; in an array, a comma after the first item.
    void value_start() {
        if (pending_value_) {
            pending_value_ = false;
            return;
        }
        comma();
    }
    void comma() {
        if (has_item_[depth_]) {
            out_.append_char(',');
        }
        has_item_[depth_] = true;
    }

    ByteBuffer& out_;
    int depth_ = 0;
    bool pending_value_ = false;
    bool has_item_[depth_max] = {};
};

}  // namespace rg::translate
