#include "observe/text_format.h"

namespace rg::observe {
namespace {

void append_escaped(ByteBuffer& out, std::string_view v, bool quote) {
    size_t run = 0;  // start of the pending unescaped run
    for (size_t i = 0; i < v.size(); ++i) {
        char c = v[i];
        const char* esc = c == '\\'             ? "\\\\"
                          : c == '\n'           ? "\\n"
                          : (quote && c == '"') ? "\\\""
                                                : nullptr;
        if (esc != nullptr) {
            out.append(v.substr(run, i - run));
            out.append(esc, 2);
            run = i + 1;
        }
    }
    out.append(v.substr(run));
}

}  // namespace

void append_fixed(ByteBuffer& out, uint64_t v, uint8_t decimals) {
    char digits[24];
    int n = 0;
    do {
        digits[n++] = static_cast<char>('0' + v % 10);
        v /= 10;
    } while (v != 0);
    // Pad so there is at least one digit before the point.
    while (n <= decimals) {
        digits[n++] = '0';
    }
    int frac_end = 0;  // drop trailing fractional zeros
    while (frac_end < decimals && digits[frac_end] == '0') {
        ++frac_end;
    }
    char text[32];
    size_t len = 0;
    for (int i = n - 1; i >= decimals; --i) {
        text[len++] = digits[i];
    }
    if (frac_end < decimals) {
        text[len++] = '.';
        for (int i = decimals - 1; i >= frac_end; --i) {
            text[len++] = digits[i];
        }
    }
    out.append(text, len);
}

void append_fixed_signed(ByteBuffer& out, int64_t v, uint8_t decimals) {
    if (v < 0) {
        out.append_char('-');
        append_fixed(out, 0 - static_cast<uint64_t>(v), decimals);
    } else {
        append_fixed(out, static_cast<uint64_t>(v), decimals);
    }
}

void append_label_value(ByteBuffer& out, std::string_view v) {
    append_escaped(out, v, true);
}

void append_help(ByteBuffer& out, std::string_view v) {
    append_escaped(out, v, false);
}

}  // namespace rg::observe
