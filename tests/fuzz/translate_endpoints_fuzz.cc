// Fuzzes the translators with their own entry points (embeddings, token counts, legacy
// completions) and the stream re-framers with arbitrary bytes. Checked: no crash; whatever
// parses emits either an error or valid JSON (simdjson DOM); the array framer's output is a
// valid JSON array whenever every event it framed held valid JSON. The first byte picks the
// entry point and its options, so the corpus covers all of them.
#include <simdjson.h>

#include <cstdint>
#include <cstdlib>
#include <string>
#include <string_view>

#include "translate/completions.h"
#include "translate/count_tokens.h"
#include "translate/embeddings.h"
#include "translate/json_array_framer.h"
#include "translate/sse_decoder.h"

namespace {

using rg::ByteBuffer;
using rg::translate::Format;

void check(bool ok) {
    if (!ok) {
        std::abort();
    }
}

simdjson::dom::parser& validator() {
    static simdjson::dom::parser p;
    return p;
}

bool valid_json(std::string_view s) {
    const std::string copy(s);
    simdjson::dom::element root;
    return validator().parse(copy).get(root) == simdjson::SUCCESS;
}

void embed_request(uint8_t flags, std::string_view body, rg::translate::Arena& arena) {
    static rg::translate::EmbedRequest request;
    const Format from = (flags & 1) != 0 ? Format::gemini : Format::openai_chat;
    const Format to = from == Format::gemini ? Format::openai_chat : Format::gemini;
    if (!rg::translate::parse_embed_request(from, body, (flags & 2) != 0, arena, &request).ok()) {
        return;
    }
    ByteBuffer out;
    if (rg::translate::emit_embed_request(to, request, "m", out).ok()) {
        check(valid_json(out.view()));
    }
}

void embed_response(uint8_t flags, std::string_view body, rg::translate::Arena& arena) {
    static rg::translate::Arena request_arena;
    static rg::translate::EmbedRequest request;
    request_arena.reset();
    const char* client =
        (flags & 2) != 0 ? R"({"model":"m","input":["a","b"]})" : R"({"model":"m","input":"a"})";
    check(rg::translate::parse_embed_request(Format::openai_chat, client, false, request_arena,
                                             &request)
              .ok());
    request.base64 = (flags & 4) != 0;
    const Format from = (flags & 1) != 0 ? Format::gemini : Format::openai_chat;
    static rg::translate::EmbedResponse response;
    if (!rg::translate::parse_embed_response(from, body, request, arena, &response).ok()) {
        return;
    }
    for (Format to : {Format::openai_chat, Format::gemini}) {
        ByteBuffer out;
        if (rg::translate::emit_embed_response(to, request, response, {"m", 3}, out).ok()) {
            check(valid_json(out.view()));
        }
    }
}

void count_request(uint8_t flags, std::string_view body, rg::translate::Arena& arena) {
    static rg::translate::Request request;
    static rg::translate::Arena scratch;
    const Format from = (flags & 1) != 0 ? Format::gemini : Format::anthropic;
    const Format to = from == Format::gemini ? Format::anthropic : Format::gemini;
    if (!rg::translate::parse_count_request(from, body, "g", arena, &request).ok()) {
        return;
    }
    scratch.reset();
    ByteBuffer work, out;
    if (rg::translate::emit_count_request(to, request, "m", scratch, work, out).ok()) {
        check(valid_json(out.view()));
    }
    uint64_t tokens = 0;
    scratch.reset();
    (void)rg::translate::parse_count_response(from, body, scratch, &tokens);
}

void completions(std::string_view body, rg::translate::Arena& arena) {
    static rg::translate::Request request;
    if (!rg::translate::parse_completions_request(body, arena, &request).ok()) {
        return;
    }
    rg::translate::EmitOptions eo;
    eo.model = "m";
    for (Format to : {Format::anthropic, Format::gemini}) {
        ByteBuffer out;
        if (rg::translate::emit_request(to, request, eo, arena, out).ok()) {
            check(valid_json(out.view()));
        }
    }
}

// The bytes as an event stream, fed in two pieces cut at `cut`.
void reframers(uint8_t cut, std::string_view body, rg::translate::Arena& arena) {
    static rg::translate::CompletionsReframer completions;
    static rg::translate::JsonArrayFramer array;
    static rg::translate::SseDecoder events;
    const size_t at = body.empty() ? 0 : cut % (body.size() + 1);
    ByteBuffer out;
    completions.reset();
    completions.feed(body.substr(0, at), arena, out);
    completions.feed(body.substr(at), arena, out);
    out.clear();
    array.reset();
    array.feed(body.substr(0, at), out);
    array.feed(body.substr(at), out);
    array.finish(out);
    bool all_json = true;
    events.reset();
    events.feed_all(body, [&](const rg::translate::SseEvent& e) {
        all_json = all_json && (e.data.empty() || valid_json(e.data));
    });
    if (all_json) {
        check(valid_json(out.view()));
    }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    if (size == 0) {
        return 0;
    }
    const uint8_t mode = data[0];
    const std::string_view body(reinterpret_cast<const char*>(data + 1), size - 1);
    static rg::translate::Arena arena;
    arena.reset();
    switch (mode % 5) {
        case 0:
            embed_request(mode >> 3, body, arena);
            break;
        case 1:
            embed_response(mode >> 3, body, arena);
            break;
        case 2:
            count_request(mode >> 3, body, arena);
            break;
        case 3:
            completions(body, arena);
            break;
        default:
            reframers(mode, body, arena);
            break;
    }
    return 0;
}
