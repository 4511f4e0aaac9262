// Internal to src/translate: the pieces of StreamTranslator. A decoder turns one upstream
// event into IR deltas and hands them to the Pipe; the Pipe keeps the running usage and
// forwards each delta to the client's encoder, which writes client bytes. Shard-local, as
// StreamTranslator; every buffer here is cleared between streams, never freed.
#pragma once

#include <cstdint>
#include <memory>
#include <string_view>
#include <vector>

#include "base/byte_buffer.h"
#include "translate/arena.h"
#include "translate/ir.h"
#include "translate/json_writer.h"
#include "translate/sse_decoder.h"
#include "translate/stream_translate.h"

namespace rg::translate::stream {

// Bounds on per-stream tables, so a hostile upstream cannot grow them: tool calls per
// answer (OpenAI documents no limit; 128 tools per request is its cap) and content blocks.
inline constexpr uint32_t tool_calls_max = 256;
inline constexpr uint32_t blocks_max = 1024;

class Encoder {
  public:
    virtual ~Encoder() = default;
    virtual void reset() = 0;
    virtual void on_delta(const Delta& d, ByteBuffer& out) = 0;
    // One upstream event is fully decoded (encoders that batch per event write here).
    virtual void on_event_end(ByteBuffer& out) = 0;
    // The upstream's terminator: write finish, usage and the client's terminator.
    virtual void on_end(ByteBuffer& out) = 0;
    // `envelope` is the error already in the client's envelope (translate_error()).
    virtual void on_error(std::string_view envelope, ByteBuffer& out) = 0;
};

class Pipe;

class Decoder {
  public:
    virtual ~Decoder() = default;
    virtual void reset() = 0;
    // One upstream event. False when its JSON could not be read (the event is skipped).
    virtual bool on_event(const SseEvent& event, Pipe& pipe) = 0;
    // The body ended without the terminator having been seen. Formats whose end is EOF
    // (Gemini) end the stream here and return true.
    virtual bool on_eof(Pipe& pipe) = 0;
};

// What decoders and encoders share for one stream.
class Pipe {
  public:
    Arena& arena() { return arena_; }
    const StreamOptions& options() const { return options_; }
    Format from() const { return from_; }
    Format to() const { return to_; }

    void delta(const Delta& d);
    void event_end();
    void end();
    // An in-stream upstream error. `status` is the HTTP status it stands for; `body` an
    // envelope in the upstream's format (`{"error":{...}}`), not in the Arena.
    void error(int status, std::string_view body);
    // Broken framing or a gateway-side failure: a gateway-made error (`status` decides its
    // class through translate_error: 502 upstream error, 504 timeout, 503 overloaded).
    void fail(std::string_view message, int status = 502);
    void count_dropped() { ++dropped_; }

    // A scratch buffer for decoders (e.g. a synthesised error envelope).
    ByteBuffer& scratch() { return scratch_; }

    // Set up by StreamTranslator.
    void begin(Format from, Format to, const StreamOptions& options, Encoder* encoder);
    void set_out(ByteBuffer* out) { out_ = out; }

    const Usage& usage() const { return usage_; }
    bool has_usage() const { return has_usage_; }
    bool saw_content() const { return saw_content_; }
    bool ended() const { return ended_; }
    bool errored() const { return errored_; }
    bool failed() const { return failed_; }
    bool done() const { return ended_ || errored_ || failed_; }
    uint64_t dropped() const { return dropped_; }

  private:
    Arena arena_;
    StreamOptions options_;
    Format from_ = Format::openai_chat;
    Format to_ = Format::anthropic;
    Encoder* encoder_ = nullptr;
    ByteBuffer* out_ = nullptr;
    ByteBuffer scratch_;
    ByteBuffer envelope_;
    Usage usage_;
    bool has_usage_ = false;
    bool saw_content_ = false;
    bool ended_ = false;
    bool errored_ = false;
    bool failed_ = false;
    uint64_t dropped_ = 0;
};

// Shorthands for decoders.
inline Delta make_delta(DeltaKind kind, uint32_t index = 0) {
    Delta d;
    d.kind = kind;
    d.index = index;
    return d;
}

// Factories (one file per format and direction).
// Each is made once per StreamTranslator (not per stream).
std::unique_ptr<Decoder> make_openai_chat_decoder();
std::unique_ptr<Decoder> make_responses_decoder();
std::unique_ptr<Decoder> make_anthropic_decoder();
std::unique_ptr<Decoder> make_gemini_decoder();
std::unique_ptr<Encoder> make_openai_chat_encoder(Pipe& pipe);
std::unique_ptr<Encoder> make_responses_encoder(Pipe& pipe);
std::unique_ptr<Encoder> make_anthropic_encoder(Pipe& pipe);
std::unique_ptr<Encoder> make_gemini_encoder(Pipe& pipe);

// A tool call id the upstream did not send: "<prefix><token>_<n>", in the Arena.
std::string_view mint_tool_id(Pipe& pipe, std::string_view prefix, uint32_t n);

// The in-stream error's status from its type names (OpenAI type/code, Anthropic type).
int error_status_for_type(std::string_view type);

}  // namespace rg::translate::stream
