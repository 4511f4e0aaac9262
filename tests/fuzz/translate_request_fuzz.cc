// Fuzzes rg::translate request parsing with arbitrary bytes in each client format. Checked:
// no crash; a request that parses emits, in every other format, either an error or a body
// that is valid JSON (simdjson DOM), and emitting twice from one IR gives the same bytes.
// The same bytes as an upstream error body translate to a valid JSON envelope. The first
// byte picks the source format, so the corpus covers all four.
#include <simdjson.h>

#include <cstdint>
#include <cstdlib>
#include <string>
#include <string_view>

#include "translate/translate.h"

namespace {

using rg::translate::Format;

void check(bool ok) {
    if (!ok) {
        std::abort();
    }
}

const Format formats[] = {Format::openai_chat, Format::openai_responses, Format::anthropic,
                          Format::gemini};

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    if (size == 0) {
        return 0;
    }
    const Format from = formats[data[0] % 4];
    const std::string_view body(reinterpret_cast<const char*>(data + 1), size - 1);
    static rg::translate::Arena arena;
    static rg::translate::Request request;
    static simdjson::dom::parser validator;
    rg::translate::ParseOptions po;
    po.gemini_model = "gemini-2.5-flash";
    arena.reset();
    {
        rg::ByteBuffer envelope;
        const int status = rg::translate::translate_error(from, formats[(data[0] + 1) % 4],
                                                          400 + data[0], body, arena, envelope);
        check(status >= 400 && status <= 599);
        const std::string copy(envelope.view());
        simdjson::dom::element root;
        check(validator.parse(copy).get(root) == simdjson::SUCCESS);
    }
    arena.reset();
    if (!rg::translate::parse_request(from, body, po, arena, &request).ok()) {
        return 0;
    }
    rg::translate::EmitOptions eo;
    eo.model = "m";
    for (Format to : formats) {
        if (to == from) {
            continue;
        }
        rg::ByteBuffer out;
        if (!rg::translate::emit_request(to, request, eo, arena, out).ok()) {
            continue;
        }
        const std::string copy(out.view());
        simdjson::dom::element root;
        check(validator.parse(copy).get(root) == simdjson::SUCCESS);
        check(root.is_object());
        // Emitting again from the same IR gives the same bytes.
        rg::ByteBuffer again;
        check(rg::translate::emit_request(to, request, eo, arena, again).ok());
        check(again.view() == out.view());
    }
    return 0;
}
