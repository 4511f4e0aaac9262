#include "http/request_parser.h"

#include <llhttp.h>

#include <cstdint>
#include <cstring>

#include "base/assert.h"

namespace rg::http {

static_assert(sizeof(llhttp_t) <= 96 && alignof(llhttp_t) <= 8, "grow RequestParser::llhttp_");

namespace {

constexpr size_t unbounded = SIZE_MAX;

llhttp_t* ll(unsigned char* storage) {
    return reinterpret_cast<llhttp_t*>(storage);
}

const llhttp_t* ll(const unsigned char* storage) {
    return reinterpret_cast<const llhttp_t*>(storage);
}

Method method_from_llhttp(uint8_t m) {
    switch (m) {
        case HTTP_GET:
            return Method::get;
        case HTTP_HEAD:
            return Method::head;
        case HTTP_POST:
            return Method::post;
        case HTTP_PUT:
            return Method::put;
        case HTTP_DELETE:
            return Method::delete_;
        case HTTP_OPTIONS:
            return Method::options;
        case HTTP_PATCH:
            return Method::patch;
        default:
            return Method::other;
    }
}

}  // namespace

// llhttp's callbacks. Data callbacks receive fragments (an element split across buffers
// arrives in pieces); the *_complete callbacks run at a fixed byte of the input, so every
// decision is taken there and does not depend on how the bytes were split. Phase changes
// return HPE_PAUSED so that parse() can switch byte budgets between llhttp_execute() calls.
struct ParserCallbacks {
    static RequestParser& self(llhttp_t* p) { return *static_cast<RequestParser*>(p->data); }
    static bool in_head(llhttp_t* p) { return self(p).phase_ == RequestParser::Phase::head; }

    static int on_method(llhttp_t* p, const char* at, size_t n) {
        self(p).line_.method_end = self(p).offset_of(at + n);
        return 0;
    }
    static int on_method_complete(llhttp_t* p) {
        // CONNECT asks for a tunnel; the gateway only serves requests (RFC 9110 §9.3.6).
        if (p->method == HTTP_CONNECT) {
            return self(p).reject(ParseError::invalid_method);
        }
        const auto m = static_cast<llhttp_method_t>(p->method);
        self(p).builder_.set_method(method_from_llhttp(p->method), llhttp_method_name(m));
        return 0;
    }
    static int on_url(llhttp_t* p, const char* at, size_t n) {
        RequestParser& s = self(p);
        if (!s.line_.target_seen) {
            s.line_.target_seen = true;
            s.line_.target_start = s.offset_of(at);
        }
        s.line_.target_end = s.offset_of(at + n);
        s.builder_.add_target({at, n});
        return 0;
    }
    static int on_url_complete(llhttp_t* p) {
        RequestParser& s = self(p);
        // request-line = method SP request-target SP HTTP-version (RFC 9112 §3): one space.
        if (s.line_.target_start != s.line_.method_end + 1) {
            return s.reject(ParseError::malformed);
        }
        return s.reject(s.builder_.end_target());
    }
    static int on_version(llhttp_t* p, const char* at, size_t n) {
        RequestParser& s = self(p);
        if (!s.line_.version_seen) {
            s.line_.version_seen = true;
            s.line_.version_start = s.offset_of(at);
        }
        (void)n;
        return 0;
    }
    static int on_version_complete(llhttp_t* p) {
        RequestParser& s = self(p);
        // " HTTP/" sits between the target and the version digits.
        if (s.line_.version_start != s.line_.target_end + 6) {
            return s.reject(ParseError::malformed);
        }
        // llhttp also accepts 0.9 and 2.0; the gateway speaks 1.0 and 1.1 on this port.
        if (p->http_major != 1 || p->http_minor > 1) {
            return s.reject(ParseError::unsupported_version);
        }
        return 0;
    }
    static int on_header_field(llhttp_t* p, const char* at, size_t n) {
        if (in_head(p)) {
            self(p).builder_.add_name({at, n});
        } else {
            self(p).trailer_name_bytes_ += static_cast<uint32_t>(n);
        }
        return 0;
    }
    static int on_header_field_complete(llhttp_t* p) {
        RequestParser& s = self(p);
        if (in_head(p)) {
            return s.reject(s.builder_.end_name());
        }
        // Trailer fields are read and dropped; only their syntax is checked.
        const bool empty = s.trailer_name_bytes_ == 0;
        s.trailer_name_bytes_ = 0;
        return empty ? s.reject(ParseError::malformed) : 0;
    }
    static int on_header_value(llhttp_t* p, const char* at, size_t n) {
        if (in_head(p)) {
            self(p).builder_.add_value({at, n});
        }
        return 0;
    }
    static int on_header_value_complete(llhttp_t* p) {
        if (!in_head(p)) {
            return 0;
        }
        return self(p).reject(self(p).builder_.end_value(p->http_minor));
    }
    static int on_headers_complete(llhttp_t* p) {
        RequestParser& s = self(p);
        if (!s.line_.version_seen) {
            return s.reject(ParseError::malformed);  // "GET /" alone is HTTP/0.9
        }
        // Upgrade (h2c, websocket) is ignored (RFC 9110 §7.8): the request is served as
        // HTTP/1.1 and the connection stays HTTP/1.1. CONNECT was refused earlier.
        p->upgrade = 0;
        HeadFacts facts;
        facts.version_minor = p->http_minor;
        facts.connection_close = (p->flags & F_CONNECTION_CLOSE) != 0;
        facts.connection_keep_alive = (p->flags & F_CONNECTION_KEEP_ALIVE) != 0;
        facts.body_bytes_max = s.limits_.body_bytes_max;
        const int rc = s.reject(s.builder_.end_head(facts));
        if (rc != 0) {
            return rc;
        }
        s.event_ = RequestParser::Event::head;
        s.next_phase_ =
            s.head().chunked ? RequestParser::Phase::chunk_line : RequestParser::Phase::body;
        return HPE_PAUSED;
    }
    static int on_body(llhttp_t* p, const char* at, size_t n) {
        if (n == 0) {
            return 0;
        }
        RequestParser& s = self(p);
        s.body_ = {at, n};
        s.body_bytes_ += n;
        s.event_ = RequestParser::Event::body;
        return HPE_PAUSED;
    }
    static int on_chunk_header(llhttp_t* p) {
        RequestParser& s = self(p);
        const uint64_t size = p->content_length;  // llhttp already refused overflow
        if (size == 0) {
            s.next_phase_ = RequestParser::Phase::trailers;
            return HPE_PAUSED;
        }
        if (size > s.limits_.body_bytes_max - s.body_bytes_) {
            return s.reject(ParseError::body_too_large);
        }
        s.next_phase_ = RequestParser::Phase::body;
        return HPE_PAUSED;
    }
    static int on_chunk_complete(llhttp_t* p) {
        RequestParser& s = self(p);
        // After the trailers only on_message_complete follows, without further bytes.
        s.next_phase_ = s.phase_ == RequestParser::Phase::trailers
                            ? RequestParser::Phase::body
                            : RequestParser::Phase::chunk_line;
        return HPE_PAUSED;
    }
    static int on_message_complete(llhttp_t* p) {
        RequestParser& s = self(p);
        s.event_ = RequestParser::Event::message_end;
        s.next_phase_ =
            s.head().keep_alive ? RequestParser::Phase::head : RequestParser::Phase::closed;
        return HPE_PAUSED;
    }
};

namespace {

// Designated initializers follow llhttp_settings_s member order.
const llhttp_settings_t parser_settings = {
    .on_message_begin = nullptr,
    .on_url = ParserCallbacks::on_url,
    .on_status = nullptr,
    .on_method = ParserCallbacks::on_method,
    .on_version = ParserCallbacks::on_version,
    .on_header_field = ParserCallbacks::on_header_field,
    .on_header_value = ParserCallbacks::on_header_value,
    .on_chunk_extension_name = nullptr,
    .on_chunk_extension_value = nullptr,
    .on_headers_complete = ParserCallbacks::on_headers_complete,
    .on_body = ParserCallbacks::on_body,
    .on_message_complete = ParserCallbacks::on_message_complete,
    .on_url_complete = ParserCallbacks::on_url_complete,
    .on_status_complete = nullptr,
    .on_method_complete = ParserCallbacks::on_method_complete,
    .on_version_complete = ParserCallbacks::on_version_complete,
    .on_header_field_complete = ParserCallbacks::on_header_field_complete,
    .on_header_value_complete = ParserCallbacks::on_header_value_complete,
    .on_chunk_extension_name_complete = nullptr,
    .on_chunk_extension_value_complete = nullptr,
    .on_chunk_header = ParserCallbacks::on_chunk_header,
    .on_chunk_complete = ParserCallbacks::on_chunk_complete,
    .on_reset = nullptr,
};

}  // namespace

RequestParser::RequestParser(ParseLimits limits) : limits_(limits), next_limits_(limits) {
    reset();
}

void RequestParser::reset() {
    llhttp_init(ll(llhttp_), HTTP_REQUEST, &parser_settings);
    phase_ = Phase::head;
    error_ = ParseError::none;
    phase_bytes_ = 0;
    body_ = {};
}

void RequestParser::start_message() {
    limits_ = next_limits_;
    line_ = RequestLine{};
    body_bytes_ = 0;
    trailer_name_bytes_ = 0;
    scanner_.begin(false);
    builder_.begin(limits_.header_bytes_max);
}

ParseEvent RequestParser::parse(std::string_view in, size_t* consumed) {
    RG_ASSERT(consumed != nullptr);
    *consumed = 0;
    if (phase_ == Phase::failed) {
        return ParseEvent::error;
    }
    if (phase_ == Phase::closed) {
        *consumed = in.size();
        return ParseEvent::need_more;
    }
    if (in.data() == nullptr) {
        // llhttp restarts an open span at the input pointer; a null one would close it.
        static constexpr char no_bytes[1] = {};
        in = std::string_view(no_bytes, 0);
    }
    if (phase_ == Phase::head && phase_bytes_ == 0) {
        start_message();
    }
    size_t pos = 0;
    for (;;) {
        const Phase phase = phase_;
        const char* slice = in.data() + pos;
        const size_t rest = in.size() - pos;
        const size_t budget = phase_budget();
        const size_t len = rest < budget ? rest : budget;
        const Step step = execute(slice, len);
        pos += step.used;
        *consumed = pos;
        const ParseError scan_error = scan_step(phase, slice, step);
        if (scan_error != ParseError::none) {
            return fail(scan_error);
        }
        phase_bytes_ += step.used;
        if (step.err == HPE_PAUSED) {
            llhttp_resume(ll(llhttp_));
            enter(next_phase_);
            if (event_ != Event::none) {
                return to_parse_event(event_);
            }
            continue;
        }
        if (step.err != HPE_OK) {
            return fail(map_llhttp_error(step.err));
        }
        if (len < rest) {
            return fail(budget_error());  // the phase's budget ran out before its end
        }
        if (phase_ == Phase::head && phase_bytes_ > 0) {
            builder_.spill();  // the caller recycles `in` after this call
        }
        return ParseEvent::need_more;
    }
}

ParseEvent RequestParser::to_parse_event(Event e) {
    switch (e) {
        case Event::head:
            return ParseEvent::head;
        case Event::body:
            return ParseEvent::body;
        case Event::message_end:
            return ParseEvent::message_end;
        case Event::none:
            break;
    }
    RG_UNREACHABLE();
}

RequestParser::Step RequestParser::execute(const char* p, size_t len) {
    llhttp_t* parser = ll(llhttp_);
    parser->data = this;
    slice_base_ = p;
    slice_offset_ = phase_bytes_;
    event_ = Event::none;
    next_phase_ = phase_;
    callback_error_ = ParseError::none;
    const llhttp_errno_t err = llhttp_execute(parser, p, len);
    if (err == HPE_OK) {
        return Step{err, len};
    }
    return Step{err, static_cast<size_t>(llhttp_get_error_pos(parser) - p)};
}

// Runs the line scanner over the head or trailer bytes llhttp consumed: up to its pause or
// error position, never past it. llhttp raises some errors before looking at the byte at
// its error position (an unknown version is refused when the minor digit ends), so that
// byte may or may not be in this call's input; scanning it would make the reported error
// depend on how the bytes were split.
ParseError RequestParser::scan_step(Phase phase, const char* p, const Step& step) {
    if (phase != Phase::head && phase != Phase::trailers) {
        return ParseError::none;
    }
    return scanner_.scan(p, p + step.used);
}

size_t RequestParser::phase_budget() const {
    switch (phase_) {
        case Phase::head:
        case Phase::trailers:
            return limits_.header_bytes_max - phase_bytes_;
        case Phase::chunk_line:
            return chunk_line_bytes_max - phase_bytes_;
        default:
            return unbounded;
    }
}

ParseError RequestParser::budget_error() const {
    return phase_ == Phase::chunk_line ? ParseError::invalid_chunk : ParseError::header_too_large;
}

void RequestParser::enter(Phase phase) {
    if (phase == phase_) {
        return;
    }
    phase_ = phase;
    phase_bytes_ = 0;
    if (phase == Phase::trailers) {
        scanner_.begin(true);  // the last-chunk line just ended
    }
}

ParseEvent RequestParser::fail(ParseError e) {
    RG_ASSERT(e != ParseError::none);
    phase_ = Phase::failed;
    error_ = e;
    return ParseEvent::error;
}

int RequestParser::reject(ParseError e) {
    if (e == ParseError::none) {
        return 0;
    }
    callback_error_ = e;
    return HPE_USER;
}

ParseError RequestParser::map_llhttp_error(int err) const {
    // A callback that refused returns HPE_USER (data callbacks) or an HPE_CB_* code.
    if (callback_error_ != ParseError::none) {
        return callback_error_;
    }
    const bool in_chunks = phase_ == Phase::chunk_line || phase_ == Phase::body;
    switch (err) {
        case HPE_INVALID_METHOD:
            return ParseError::invalid_method;
        case HPE_INVALID_VERSION:
            // Digits that parse but name no version llhttp knows (1.2, 3.0): a version we do
            // not support rather than a malformed line.
            return std::strcmp(llhttp_get_error_reason(ll(llhttp_)), "Invalid HTTP version") == 0
                       ? ParseError::unsupported_version
                       : ParseError::malformed;
        case HPE_INVALID_HEADER_TOKEN:
            return ParseError::invalid_character;
        case HPE_INVALID_CONTENT_LENGTH:
            return ParseError::invalid_content_length;
        case HPE_UNEXPECTED_CONTENT_LENGTH:
            return ParseError::content_length_with_transfer_encoding;
        case HPE_INVALID_TRANSFER_ENCODING:
            return ParseError::invalid_transfer_encoding;
        case HPE_INVALID_CHUNK_SIZE:
            return ParseError::invalid_chunk;
        case HPE_UNEXPECTED_SPACE:
            return ParseError::obsolete_line_folding;
        case HPE_PAUSED_H2_UPGRADE:
            return ParseError::unsupported_version;
        default:
            return in_chunks ? ParseError::invalid_chunk : ParseError::malformed;
    }
}

}  // namespace rg::http
