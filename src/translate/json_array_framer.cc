#include "translate/json_array_framer.h"

namespace rg::translate {

void JsonArrayFramer::reset() {
    sse_.reset();
    opened_ = closed_ = false;
}

void JsonArrayFramer::feed(std::string_view sse_bytes, ByteBuffer& out) {
    sse_.feed_all(sse_bytes, [&](const SseEvent& e) { append_element(e.data, out); });
}

void JsonArrayFramer::append_element(std::string_view json, ByteBuffer& out) {
    if (closed_ || json.empty()) {
        return;
    }
    // The separator Google's servers use between elements.
    out.append(opened_ ? std::string_view(",\r\n") : std::string_view("["));
    opened_ = true;
    out.append(json);
}

void JsonArrayFramer::finish(ByteBuffer& out) {
    if (closed_) {
        return;
    }
    out.append(opened_ ? std::string_view("]") : std::string_view("[]"));
    opened_ = closed_ = true;
}

}  // namespace rg::translate
