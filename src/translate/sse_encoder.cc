#include "translate/sse_encoder.h"

#include <cstring>

#include "base/assert.h"

namespace rg::translate {

namespace {

bool has_line_break(std::string_view s) {
    return s.find_first_of("\r\n") != std::string_view::npos;
}

// `<prefix><line>\n` for each line of `value`; an empty value is one empty line.
void append_lines(ByteBuffer& out, std::string_view prefix, std::string_view value) {
    for (;;) {
        const size_t brk = value.find_first_of("\r\n");
        out.append(prefix);
        out.append(value.substr(0, brk));
        out.append_char('\n');
        if (brk == std::string_view::npos) {
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
