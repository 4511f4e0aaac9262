// Fuzzes rg::translate::StreamTranslator with arbitrary upstream bytes. The first byte picks
// the direction (one of the 12 cross-format pairs: 0-5 among OpenAI chat, Anthropic and
// Gemini, 6-11 to and from the Responses API), the next 4 the cuts (stream_fuzz_util.h). Checked:
// no crash; the output is the same whole and cut; it is always a valid client stream of its format
// (test/stream_translate_check.h) for the ending finish() reports, and again after
// append_cut_error() on a cut stream.
#include <cstdio>
#include <string>
#include <vector>

#include "stream_fuzz_util.h"
#include "stream_translate_check.h"
#include "translate/stream_translate.h"

namespace {

using rg::fuzz::check;
using rg::translate::Format;
using rg::translate::StreamEnd;
using rg::translate::StreamOptions;
using rg::translate::StreamTranslator;
using rg::translate::test::Ending;

struct Pair {
    Format from;
    Format to;
};

constexpr Format kChat = Format::openai_chat;
constexpr Format kResponses = Format::openai_responses;
constexpr Format kAnthropic = Format::anthropic;
constexpr Format kGemini = Format::gemini;

// The first six keep the seed corpus's meaning (its files start with 0-5).
constexpr Pair pairs[] = {
    {kChat, kAnthropic}, {kChat, kGemini},         {kAnthropic, kGemini},
    {kAnthropic, kChat}, {kGemini, kChat},         {kGemini, kAnthropic},
    {kResponses, kChat}, {kResponses, kAnthropic}, {kResponses, kGemini},
    {kChat, kResponses}, {kAnthropic, kResponses}, {kGemini, kResponses},
};
constexpr size_t pair_count = sizeof(pairs) / sizeof(pairs[0]);

struct Out {
    std::string bytes;
    StreamEnd end;
};

// Aborts with the checker's reason and the output, so a crash file explains itself.
void check_valid(Format to, std::string_view out, Ending ending) {
    const std::string why = rg::translate::test::check_client_stream(to, out, ending);
    if (!why.empty()) {
        std::fprintf(stderr, "invalid %s stream: %s\n%.*s\n",
                     std::string(rg::translate::format_name(to)).c_str(), why.c_str(),
                     static_cast<int>(out.size()), out.data());
    }
    check(why.empty());
}

template <typename Feed>
Out run(StreamTranslator& t, Format from, Format to, Feed feed) {
    StreamOptions o;
    o.id_token = "fz";
    o.include_usage = true;
    t.start(from, to, o);
    rg::ByteBuffer out;
    feed([&](std::string_view piece) { t.feed(piece, out); });
    Out r;
    r.end = t.finish(out);
    r.bytes = std::string(out.view());
    if (r.end == StreamEnd::cut) {
        check_valid(to, r.bytes, Ending::open);
        t.append_cut_error(out);
        check_valid(to, out.view(), Ending::error);
    } else {
        const Ending e = r.end == StreamEnd::complete ? Ending::terminated : Ending::error;
        check_valid(to, r.bytes, e);
    }
    return r;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    if (size < 1) {
        return 0;
    }
    const Pair& pair = pairs[data[0] % pair_count];
    const Format from = pair.from;
    const Format to = pair.to;
    const rg::fuzz::Input in = rg::fuzz::split_input(data + 1, size - 1);
    static StreamTranslator translator(rg::limits::stream_event_bytes_min);
    const Out whole = run(translator, from, to, [&](auto feed) { feed(in.body); });
    const Out cut = run(translator, from, to, [&](auto feed) {
        uint32_t seed = in.seed | 1;
        size_t pos = 0;
        while (pos < in.body.size()) {
            seed = seed * 1103515245u + 12345u;
            const size_t n = 1 + (seed >> 16) % 97;
            const std::string piece(in.body.substr(pos, n));  // a copy dies after use
            feed(piece);
            pos += n;
        }
    });
    check(whole.bytes == cut.bytes);
    check(whole.end == cut.end);
    return 0;
}
