#include "translate/sse_encoder.h"

#include <cstring>

#include "base/assert.h"

namespace rg::translate {

namespace {

// The first CR or LF in s, or s.size(). Two memchr passes: string_view::find_first_of
// compares every byte against the set one at a time, several times slower on long data.
size_t find_line_break(std::string_view s) {
    if (s.empty()) {
        return 0;  // memchr must not see the null data() of an empty view
    }
    const void* lf = std::memchr(s.data(), '\n', s.size());
    const size_t lf_at =
        lf != nullptr ? static_cast<size_t>(static_cast<const char*>(lf) - s.data()) : s.size();
    const void* cr = std::memchr(s.data(), '\r', lf_at);
    return cr != nullptr ? static_cast<size_t>(static_cast<const char*>(cr) - s.data()) : lf_at;
}

bool has_line_break(std::string_view s) {
    return find_line_break(s) != s.size();
}

// `<prefix><line>\n` for each line of `value`; an empty value is one empty line.
void append_lines(ByteBuffer& out, std::string_view prefix, std::string_view value) {
    for (;;) {
        const size_t brk = find_line_break(value);
        out.append(prefix);
        out.append(value.substr(0, brk));
        out.append_char('\n');
        if (brk == value.size()) {
            return;
        }
        const bool crlf = value[brk] == '\r' && brk + 1 < value.size() && value[brk + 1] == '\n';
        value.remove_prefix(brk + (crlf ? 2 : 1));
    }
}

}  // namespace

void append_sse_event(ByteBuffer& out, std::string_view event, std::string_view data) {
    RG_ASSERT(!has_line_break(event));
    if (!event.empty()) {
        out.append("event: ");
        out.append(event);
        out.append_char('\n');
    }
    append_lines(out, "data: ", data);
    out.append_char('\n');
}

void append_sse_event(ByteBuffer& out, const SseEvent& event) {
    RG_ASSERT(!has_line_break(event.id));
    if (!event.id.empty()) {
        out.append("id: ");
        out.append(event.id);
        out.append_char('\n');
    }
    append_sse_event(out, event.event, event.data);
}

void append_sse_comment(ByteBuffer& out, std::string_view text) {
    append_lines(out, ": ", text);
    out.append_char('\n');
}

}  // namespace rg::translate
