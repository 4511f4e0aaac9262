#include "mock/dialect.h"

#include "mock/anthropic.h"
#include "mock/gemini.h"
#include "mock/openai.h"

namespace rg::mock {

uint32_t tool_units(const Answer& a) {
    auto len = static_cast<uint32_t>(a.tool_args.size());
    uint32_t want = a.tokens == 0 ? 1 : a.tokens;
    return want < len ? want : len;
}

std::string_view args_fragment(std::string_view args, uint32_t units, uint32_t i) {
    auto boundary = [&](uint32_t k) {
        size_t pos = args.size() * k / units;
        // Never split a multi-byte UTF-8 sequence: move past continuation bytes.
        while (pos < args.size() && (static_cast<unsigned char>(args[pos]) & 0xC0) == 0x80) {
            ++pos;
        }
        return pos;
    };
    size_t from = boundary(i);
    size_t to = i + 1 == units ? args.size() : boundary(i + 1);
    return args.substr(from, to - from);
}

std::unique_ptr<StreamDialect> make_stream(const Answer& a) {
    switch (a.endpoint) {
        case Endpoint::openai_chat:
            return openai::chat_stream(a);
        case Endpoint::openai_completions:
            return openai::completions_stream(a);
        case Endpoint::openai_responses:
            return openai::responses_stream(a);
        case Endpoint::anthropic_messages:
            return anthropic::message_stream(a);
        case Endpoint::gemini_stream:
        case Endpoint::gemini_generate:
            return gemini::generate_stream(a);
        default:
            return nullptr;
    }
}

}  // namespace rg::mock
