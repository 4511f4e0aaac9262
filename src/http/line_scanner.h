// LineScanner: finds the line-framing violations that llhttp's strict mode still accepts in
// a request head or trailer section: a line ending in a bare LF (RFC 9112 §2.2) and a line
// starting with SP or HTAB, i.e. obsolete line folding (RFC 9112 §5.2). Its state carries
// across receive buffers. Part of RequestParser: shard-local.
#pragma once

#include <cstring>

#include "http/parse_error.h"

namespace rg::http {

class LineScanner {
  public:
    // Starts a section; `at_line_start` is true when the previous byte ended a line.
    void begin(bool at_line_start) {
        prev_cr_ = false;
        at_line_start_ = at_line_start;
    }

    // Scans the next bytes of the section.
    ParseError scan(const char* p, const char* end) {
        while (p < end) {
            if (at_line_start_) {
                at_line_start_ = false;
                if (*p == ' ' || *p == '\t') {
                    return ParseError::obsolete_line_folding;
                }
            }
            const char* lf = static_cast<const char*>(std::memchr(p, '\n', end - p));
            if (lf == nullptr) {
                prev_cr_ = end[-1] == '\r';
                return ParseError::none;
            }
            const bool cr = lf > p ? lf[-1] == '\r' : prev_cr_;
            if (!cr) {
                return ParseError::malformed;
            }
            prev_cr_ = false;
            at_line_start_ = true;
            p = lf + 1;
        }
        return ParseError::none;
    }

  private:
    bool prev_cr_ = false;
    bool at_line_start_ = false;
};

}  // namespace rg::http
