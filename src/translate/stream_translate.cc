// StreamTranslator: framing (SSE), the Pipe between decoder and encoder, and the end-of-body
// decision (wire-formats.md §4.6).
#include "translate/stream_translate.h"

#include "translate/common.h"
#include "translate/sse_encoder.h"
#include "translate/stream_translate_internal.h"
#include "translate/translate.h"

namespace rg::translate {

std::string_view stream_end_name(StreamEnd end) {
    switch (end) {
        case StreamEnd::complete:
            return "complete";
        case StreamEnd::cut:
            return "cut";
        case StreamEnd::upstream_error:
            return "upstream_error";
        case StreamEnd::invalid:
            return "invalid";
    }
    return "unknown";
}

namespace stream {

void Pipe::begin(Format from, Format to, const StreamOptions& options, Encoder* encoder) {
    arena_.reset();
    from_ = from;
    to_ = to;
    options_ = options;
    // The caller's strings need not outlive start().
    options_.model = arena_.copy(options.model);
    options_.id_token = arena_.copy(options.id_token);
    encoder_ = encoder;
    out_ = nullptr;
    scratch_.clear();
    envelope_.clear();
    usage_ = Usage{};
    has_usage_ = false;
    saw_content_ = false;
    ended_ = errored_ = failed_ = false;
    dropped_ = 0;
}

void Pipe::delta(const Delta& d) {
    if (done()) {
        return;
    }
    switch (d.kind) {
        case DeltaKind::usage:
            usage_ = d.usage;  // running totals: the latest wins
            has_usage_ = true;
            break;
        case DeltaKind::text:
        case DeltaKind::reasoning:
        case DeltaKind::tool_args:
            saw_content_ |= !d.text.empty();
            break;
        case DeltaKind::tool_call_start:
            saw_content_ = true;
            break;
        default:
            break;
    }
    encoder_->on_delta(d, *out_);
}

void Pipe::event_end() {
    if (!done()) {
        encoder_->on_event_end(*out_);
    }
}

void Pipe::end() {
    if (done()) {
        return;
    }
    encoder_->on_event_end(*out_);
    encoder_->on_end(*out_);
    ended_ = true;
}

void Pipe::error(int status, std::string_view body) {
    if (done()) {
        return;
    }
    envelope_.clear();
    translate_error(from_, to_, status, body, arena_, envelope_);
    encoder_->on_event_end(*out_);
    encoder_->on_error(envelope_.view(), *out_);
    errored_ = true;
}

void Pipe::fail(std::string_view message, int status) {
    if (done()) {
        return;
    }
    // An OpenAI-shaped envelope for translate_error, which re-shapes it for the client.
    scratch_.clear();
    JsonWriter w(scratch_);
    w.begin_object();
    w.key("error");
    w.begin_object();
    w.field("message", message);
    w.field("type", "server_error");
    w.end_object();
    w.end_object();
    envelope_.clear();
    translate_error(from_, to_, status, scratch_.view(), arena_, envelope_);
    encoder_->on_event_end(*out_);
    encoder_->on_error(envelope_.view(), *out_);
    failed_ = true;
}

std::string_view mint_tool_id(Pipe& pipe, std::string_view prefix, uint32_t n) {
    return mint_indexed_id(pipe.arena(), prefix, pipe.options().id_token, n);
}

int error_status_for_type(std::string_view type) {
    if (type == "overloaded_error") {
        return 529;
    }
    if (type == "rate_limit_error" || type == "rate_limit_exceeded" || type == "requests" ||
        type == "tokens") {
        return 429;
    }
    if (type == "timeout_error") {
        return 504;
    }
    if (type == "invalid_request_error") {
        return 400;
    }
    return 500;  // server_error, api_error and the unknown
}

}  // namespace stream

struct StreamTranslator::Impl {
    stream::Pipe pipe;
    SseDecoder sse;
    std::unique_ptr<stream::Decoder> decoders[4];
    std::unique_ptr<stream::Encoder> encoders[4];
    stream::Decoder* decoder = nullptr;
    stream::Encoder* encoder = nullptr;
    uint64_t skipped = 0;
    bool finished = false;

    explicit Impl(uint32_t event_bytes_max) : sse(event_bytes_max) {
        decoders[0] = stream::make_openai_chat_decoder();
        decoders[1] = stream::make_responses_decoder();
        decoders[2] = stream::make_anthropic_decoder();
        decoders[3] = stream::make_gemini_decoder();
        encoders[0] = stream::make_openai_chat_encoder(pipe);
        encoders[1] = stream::make_responses_encoder(pipe);
        encoders[2] = stream::make_anthropic_encoder(pipe);
        encoders[3] = stream::make_gemini_encoder(pipe);
    }
};

StreamTranslator::StreamTranslator(uint32_t event_bytes_max)
    : impl_(std::make_unique<Impl>(event_bytes_max)) {}
StreamTranslator::~StreamTranslator() = default;

void StreamTranslator::start(Format from, Format to, const StreamOptions& options) {
    Impl& m = *impl_;
    m.decoder = m.decoders[static_cast<size_t>(from)].get();
    m.encoder = m.encoders[static_cast<size_t>(to)].get();
    m.sse.reset();
    m.pipe.begin(from, to, options, m.encoder);
    m.decoder->reset();
    m.encoder->reset();
    m.skipped = 0;
    m.finished = false;
}

void StreamTranslator::feed(std::string_view bytes, ByteBuffer& out) {
    Impl& m = *impl_;
    if (m.pipe.done() || m.finished) {
        return;
    }
    m.pipe.set_out(&out);
    const SseStatus status = m.sse.feed_all(bytes, [&](const SseEvent& event) {
        if (m.pipe.done()) {
            return;
        }
        if (!m.decoder->on_event(event, m.pipe)) {
            ++m.skipped;
        }
        m.pipe.event_end();
    });
    if (status == SseStatus::error) {
        m.pipe.fail("the upstream stream broke its framing");
    }
}

StreamEnd StreamTranslator::finish(ByteBuffer& out) {
    Impl& m = *impl_;
    m.pipe.set_out(&out);
    m.finished = true;
    if (!m.pipe.done() && !m.sse.mid_event()) {
        m.decoder->on_eof(m.pipe);
    }
    if (m.pipe.ended()) {
        return StreamEnd::complete;
    }
    if (m.pipe.errored()) {
        return StreamEnd::upstream_error;
    }
    if (m.pipe.failed()) {
        return StreamEnd::invalid;
    }
    return StreamEnd::cut;
}

void StreamTranslator::append_cut_error(ByteBuffer& out) {
    Impl& m = *impl_;
    m.pipe.set_out(&out);
    m.pipe.fail("the upstream stream ended before its end marker");
}

void StreamTranslator::append_error(int status, std::string_view message, ByteBuffer& out) {
    Impl& m = *impl_;
    m.pipe.set_out(&out);
    m.pipe.fail(message, status);
}

const Usage& StreamTranslator::usage() const {
    return impl_->pipe.usage();
}
bool StreamTranslator::has_usage() const {
    return impl_->pipe.has_usage();
}
bool StreamTranslator::saw_content() const {
    return impl_->pipe.saw_content();
}
bool StreamTranslator::done() const {
    return impl_->pipe.done();
}
uint64_t StreamTranslator::skipped_events() const {
    return impl_->skipped;
}
uint64_t StreamTranslator::dropped_fragments() const {
    return impl_->pipe.dropped();
}

}  // namespace rg::translate
