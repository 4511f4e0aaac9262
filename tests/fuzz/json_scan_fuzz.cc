// Fuzzes rg::json::scan_request and rewrite_model with arbitrary bytes as a request body.
// Checked: no crash; the in-place scan (over padding that held garbage) and the copying scan
// agree exactly; a found model token lies inside the body, is quoted, and rewriting it gives
// a body that scans to the new model with the same flags and every other byte unchanged.
#include <algorithm>
#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <string>
#include <string_view>

#include "json/request_scan.h"

namespace {

using rg::Result;
using rg::json::RequestScan;

void check(bool ok) {
    if (!ok) {
        std::abort();
    }
}

void check_same(const Result<RequestScan>& a, const Result<RequestScan>& b) {
    check(a.ok() == b.ok());
    if (!a.ok()) {
        check(std::strcmp(a.error().context, b.error().context) == 0);
        return;
    }
    check(a->has_model == b->has_model && a->model() == b->model());
    check(a->has_stream == b->has_stream && a->stream == b->stream);
    check(a->include_usage == b->include_usage);
    check(a->model_token.offset == b->model_token.offset);
    check(a->model_token.size == b->model_token.size);
}

// A new model name built from the old one, with bytes that need escaping; cut to the
// length limit on a UTF-8 character boundary (the old name is valid UTF-8).
std::string new_model_for(std::string_view old) {
    std::string s = "r/\"\\\n\x01";
    s.append(old);
    size_t n = std::min(s.size(), rg::json::model_bytes_max);
    while (n < s.size() && (static_cast<unsigned char>(s[n]) & 0xc0) == 0x80) {
        --n;
    }
    s.resize(n);
    return s;
}

void check_rewrite(std::string_view body, const RequestScan& scan) {
    const rg::json::ByteRange token = scan.model_token;
    check(token.size >= 2 && token.offset + token.size <= body.size());
    check(body[token.offset] == '"' && body[token.offset + token.size - 1] == '"');
    const std::string model = new_model_for(scan.model());
    rg::ByteBuffer out;
    rg::json::rewrite_model(body, scan, model, out);
    const std::string_view rewritten = out.view();
    Result<RequestScan> again = rg::json::scan_request(rewritten);
    check(again.ok());
    check(again->has_model && again->model() == model);
    check(again->has_stream == scan.has_stream && again->stream == scan.stream);
    check(again->include_usage == scan.include_usage);
    check(rewritten.substr(0, token.offset) == body.substr(0, token.offset));
    const size_t tail = body.size() - token.offset - token.size;
    check(rewritten.substr(rewritten.size() - tail) == body.substr(token.offset + token.size));
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    const std::string_view body(reinterpret_cast<const char*>(data), size);
    Result<RequestScan> copied = rg::json::scan_request(body);
    // Same bytes in place, followed by padding that held adversarial bytes.
    std::string padded(body);
    padded.append(rg::json::padding_bytes, size > 0 && (data[0] & 1) ? '}' : '"');
    Result<RequestScan> in_place = rg::json::scan_request(padded.data(), size, padded.size());
    check_same(copied, in_place);
    if (copied.ok() && copied->has_model) {
        check_rewrite(body, *copied);
    }
    return 0;
}
