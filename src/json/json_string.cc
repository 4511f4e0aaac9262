#include "json/json_string.h"

#include <array>
#include <cstdint>

namespace rg::json {
namespace {

// For each byte: 0 when it is copied as is, else the letter after the backslash ('u' for
// the \u00XX form). RFC 8259 §7: '"', '\\' and U+0000..U+001F must be escaped.
constexpr std::array<char, 256> make_escape_table() {
    std::array<char, 256> table{};
    for (int c = 0; c < 0x20; ++c) {
        table[c] = 'u';
    }
    table['\b'] = 'b';
    table['\f'] = 'f';
    table['\n'] = 'n';
    table['\r'] = 'r';
    table['\t'] = 't';
    table['"'] = '"';
    table['\\'] = '\\';
    return table;
}

constexpr std::array<char, 256> escape_table = make_escape_table();

void append_escape(ByteBuffer& out, unsigned char c) {
    const char letter = escape_table[c];
    if (letter != 'u') {
        const char pair[2] = {'\\', letter};
        out.append(pair, sizeof(pair));
        return;
    }
    static constexpr char hex[] = "0123456789abcdef";
    const char seq[6] = {'\\', 'u', '0', '0', hex[c >> 4], hex[c & 0xf]};
    out.append(seq, sizeof(seq));
}

}  // namespace

void append_json_string(ByteBuffer& out, std::string_view s) {
    out.append_char('"');
    size_t run = 0;  // start of the pending run of bytes copied as they are
    for (size_t i = 0; i < s.size(); ++i) {
        const auto c = static_cast<unsigned char>(s[i]);
        if (escape_table[c] == 0) {
            continue;
        }
        out.append(s.data() + run, i - run);
        append_escape(out, c);
        run = i + 1;
    }
    out.append(s.data() + run, s.size() - run);
    out.append_char('"');
}

}  // namespace rg::json
