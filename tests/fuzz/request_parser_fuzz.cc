// Fuzzes rg::http::RequestParser. The first 4 bytes choose the limits and the sizes the rest
// is cut into (with empty reads in between); the rest is the byte stream of one connection. Each
// parse() call gets a fresh heap copy that is freed right after the call, so a view kept past its
// buffer is a use-after-free under ASan. Checked: consumed <= in.size(); need_more consumes all;
// body bytes within body_bytes_max and equal to Content-Length; heads well formed; errors sticky;
// heads kept by retain_head() intact at message_end; and the whole stream in one piece
// gives exactly the same events as the cut one.
#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <string>
#include <string_view>

#include "http/request_parser.h"

namespace {

using rg::http::ParseEvent;
using rg::http::ParseLimits;
using rg::http::RequestHead;
using rg::http::RequestParser;

void check(bool ok) {
    if (!ok) {
        std::abort();
    }
}

ParseLimits limits_from(uint8_t selector) {
    static constexpr uint32_t head_max[] = {64, 300, 2048, rg::limits::header_bytes_default};
    static constexpr uint64_t body_max[] = {0, 16, 4096, rg::limits::body_bytes_default};
    return ParseLimits{.header_bytes_max = head_max[selector & 3],
                       .body_bytes_max = body_max[(selector >> 2) & 3]};
}

void check_head(const RequestHead& h) {
    check(h.header_count <= rg::limits::header_count_max);
    check(!h.target.empty() && h.target.size() <= rg::limits::target_bytes_max);
    check(h.target.substr(0, h.path.size()) == h.path);
    check(h.version_minor <= 1);
    check(h.content_length >= -1);
    check(!(h.chunked && h.content_length >= 0));
    for (uint32_t i = 0; i < h.header_count; ++i) {
        check(!h.headers[i].name.empty());
        check(h.headers[i].name.find_first_of(" \t\r\n:") == std::string_view::npos);
        check(h.headers[i].value.find_first_of("\r\n") == std::string_view::npos);
    }
}

std::string describe(const RequestHead& h) {
    std::string s = "H" + std::string(h.method_text) + " " + std::string(h.target) + " " +
                    std::string(h.path) + "?" + std::string(h.query) + "\n";
    for (uint32_t i = 0; i < h.header_count; ++i) {
        s.append(h.headers[i].name).append(":").append(h.headers[i].value).append("\n");
    }
    return s;
}

class Run {
  public:
    // `retain`: call retain_head() at each head and check the head again at message_end,
    // after every buffer it came from was freed.
    Run(ParseLimits limits, bool retain) : parser_(limits), limits_(limits), retain_(retain) {}

    // Feeds one piece: the unconsumed rest plus `piece`, until the parser needs more.
    bool feed(std::string_view piece) {
        pending_.append(piece);
        for (;;) {
            const ParseEvent ev = call();
            if (ev == ParseEvent::error) {
                size_t consumed = 0;
                check(parser_.parse("GET / HTTP/1.1\r\n\r\n", &consumed) == ParseEvent::error);
                return false;
            }
            if (ev == ParseEvent::need_more) {
                return true;
            }
        }
    }
    const std::string& transcript() const { return transcript_; }

  private:
    ParseEvent call() {
        const size_t n = pending_.size();
        // Nothing pending: pass a null view, as a caller with no buffer at hand would.
        char* buf = n == 0 ? nullptr : static_cast<char*>(std::malloc(n));
        if (n > 0) {
            std::memcpy(buf, pending_.data(), n);
        }
        size_t consumed = n + 1;
        const ParseEvent ev = parser_.parse({buf, n}, &consumed);
        check(consumed <= n);
        check(ev != ParseEvent::need_more || consumed == n);
        record(ev);
        std::free(buf);
        pending_.erase(0, consumed);
        return ev;
    }

    void record(ParseEvent ev) {
        switch (ev) {
            case ParseEvent::need_more:
                return;
            case ParseEvent::head:
                check_head(parser_.head());
                head_ = describe(parser_.head());
                transcript_ += head_;
                if (retain_) {
                    parser_.retain_head();
                }
                body_bytes_ = 0;
                return;
            case ParseEvent::body:
                body_bytes_ += parser_.body().size();
                check(!parser_.body().empty() && body_bytes_ <= limits_.body_bytes_max);
                transcript_.append(parser_.body());  // unmarked: pieces concatenate
                return;
            case ParseEvent::message_end:
                check(parser_.head().content_length < 0 ||
                      body_bytes_ == static_cast<uint64_t>(parser_.head().content_length));
                check(!retain_ || describe(parser_.head()) == head_);
                transcript_ += "\nE\n";
                return;
            case ParseEvent::error:
                transcript_ += "\nX" + std::string(rg::http::parse_error_name(parser_.error()));
                return;
        }
    }

    RequestParser parser_;
    ParseLimits limits_;
    std::string pending_;
    bool retain_;
    std::string transcript_;
    std::string head_;
    uint64_t body_bytes_ = 0;
};

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    if (size < 4) {
        return 0;
    }
    const ParseLimits limits = limits_from(data[0]);
    const uint8_t cut_sizes[3] = {data[1], data[2], data[3]};
    const std::string_view stream(reinterpret_cast<const char*>(data) + 4, size - 4);

    const bool retain = (data[0] & 0x10) != 0;
    Run whole(limits, retain);
    whole.feed(stream);

    Run cut(limits, !retain);
    size_t at = 0;
    for (size_t i = 0; at < stream.size(); ++i) {
        // A cut size with its top bit set is also an empty read before the piece.
        if ((cut_sizes[i % 3] & 0x80) != 0 && !cut.feed({})) {
            break;
        }
        const size_t n = 1 + cut_sizes[i % 3] % 97;
        if (!cut.feed(stream.substr(at, n))) {
            break;
        }
        at += n;
    }
    check(cut.transcript() == whole.transcript());
    return 0;
}
