#include "mock/json_writer.h"

#include <cmath>

namespace rg::mock {

void append_json_escaped(ByteBuffer& out, std::string_view s) {
    if (s.empty()) {
        return;  // an empty view may carry a null data(): never hand that to memcpy
    }
    static const char hex[] = "0123456789abcdef";
    size_t run = 0;  // start of the current run of bytes that need no escaping
    for (size_t i = 0; i < s.size(); ++i) {
        auto c = static_cast<unsigned char>(s[i]);
        if (c >= 0x20 && c != '"' && c != '\\') {
            continue;
        }
        out.append(s.data() + run, i - run);
        run = i + 1;
        char esc[6] = {'\\', 0, 0, 0, 0, 0};
        size_t n = 2;
        switch (c) {
            case '"':
                esc[1] = '"';
                break;
            case '\\':
                esc[1] = '\\';
                break;
            case '\n':
                esc[1] = 'n';
                break;
            case '\r':
                esc[1] = 'r';
                break;
            case '\t':
                esc[1] = 't';
                break;
            default:
                esc[1] = 'u';
                esc[2] = '0';
                esc[3] = '0';
                esc[4] = hex[c >> 4];
                esc[5] = hex[c & 15];
                n = 6;
        }
        out.append(esc, n);
    }
    out.append(s.data() + run, s.size() - run);
}

JsonWriter& JsonWriter::begin_object() {
    separate();
    out_.append_char('{');
    need_comma_ = false;
    return *this;
}

JsonWriter& JsonWriter::end_object() {
    out_.append_char('}');
    need_comma_ = true;
    return *this;
}

JsonWriter& JsonWriter::begin_array() {
    separate();
    out_.append_char('[');
    need_comma_ = false;
    return *this;
}

JsonWriter& JsonWriter::end_array() {
    out_.append_char(']');
    need_comma_ = true;
    return *this;
}

JsonWriter& JsonWriter::key(std::string_view k) {
    separate();
    out_.append_char('"');
    append_json_escaped(out_, k);
    out_.append("\":", 2);
    need_comma_ = false;
    return *this;
}

JsonWriter& JsonWriter::str(std::string_view v) {
    separate();
    out_.append_char('"');
    append_json_escaped(out_, v);
    out_.append_char('"');
    need_comma_ = true;
    return *this;
}

JsonWriter& JsonWriter::kv2(std::string_view k, std::string_view prefix, std::string_view suffix) {
    key(k);
    out_.append_char('"');
    append_json_escaped(out_, prefix);
    append_json_escaped(out_, suffix);
    out_.append_char('"');
    need_comma_ = true;
    return *this;
}

JsonWriter& JsonWriter::num(uint64_t v) {
    separate();
    out_.append_decimal(v);
    need_comma_ = true;
    return *this;
}

JsonWriter& JsonWriter::num_signed(int64_t v) {
    separate();
    if (v < 0) {
        out_.append_char('-');
        out_.append_decimal(static_cast<uint64_t>(-(v + 1)) + 1);
    } else {
        out_.append_decimal(static_cast<uint64_t>(v));
    }
    need_comma_ = true;
    return *this;
}

JsonWriter& JsonWriter::fixed(double v, int decimals) {
    separate();
    if (!std::isfinite(v)) {
        v = 0;
    }
    uint64_t scale = 1;
    for (int i = 0; i < decimals; ++i) {
        scale *= 10;
    }
    bool negative = v < 0;
    auto scaled = static_cast<uint64_t>(std::llround(std::fabs(v) * static_cast<double>(scale)));
    if (negative && scaled != 0) {
        out_.append_char('-');
    }
    out_.append_decimal(scaled / scale);
    if (decimals > 0) {
        out_.append_char('.');
        char digits[20];
        uint64_t frac = scaled % scale;
        for (int i = decimals - 1; i >= 0; --i) {
            digits[i] = static_cast<char>('0' + frac % 10);
            frac /= 10;
        }
        out_.append(digits, static_cast<size_t>(decimals));
    }
    need_comma_ = true;
    return *this;
}

JsonWriter& JsonWriter::boolean(bool v) {
    separate();
    if (v) {
        out_.append("true", 4);
    } else {
        out_.append("false", 5);
    }
    need_comma_ = true;
    return *this;
}

JsonWriter& JsonWriter::null() {
    separate();
    out_.append("null", 4);
    need_comma_ = true;
    return *this;
}

JsonWriter& JsonWriter::raw(std::string_view json) {
    separate();
    if (!json.empty()) {
        out_.append(json);
    }
    need_comma_ = true;
    return *this;
}

}  // namespace rg::mock
