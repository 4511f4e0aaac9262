// Fuzzes rg::translate::SseDecoder with arbitrary bytes (stream_fuzz_util.h: the first 4
// bytes choose the event limit and the cuts). Checked: no crash; the cut stream gives
// exactly the events, error and mid-event answer of the whole one; events obey the
// grammar (no CR or LF in names and ids, no CR in data, data within the limit); errors are
// sticky; re-encoding the events and decoding them again gives them back; every format's
// classifier runs on every event.
#include <string>
#include <vector>

#include "stream_fuzz_util.h"
#include "translate/sse_decoder.h"
#include "translate/sse_encoder.h"
#include "translate/stream_sentinel.h"

namespace {

using rg::fuzz::check;
using rg::translate::SseDecoder;
using rg::translate::SseEvent;
using rg::translate::SseStatus;
using rg::translate::StreamFormat;

struct Run {
    std::vector<std::string> events;  // name, data and id, NUL-separated
    bool error = false;
    bool mid_event = false;
    bool operator==(const Run&) const = default;
};

void check_event(const SseEvent& e, uint32_t limit) {
    check(e.event.find_first_of("\r\n") == std::string_view::npos);
    check(e.id.find_first_of("\r\n") == std::string_view::npos);
    check(e.id.find('\0') == std::string_view::npos);
    check(e.data.find('\r') == std::string_view::npos);
    check(e.data.size() + e.event.size() <= limit);
    for (StreamFormat f :
         {StreamFormat::openai_chat, StreamFormat::openai_responses, StreamFormat::anthropic,
          StreamFormat::gemini_sse, StreamFormat::gemini_json_array}) {
        (void)rg::translate::classify_event(f, e);
    }
}

std::string flatten(const SseEvent& e) {
    std::string s(e.event);
    s.push_back('\0');
    s.append(e.data);
    s.push_back('\0');
    s.append(e.id);
    return s;
}

template <typename Feed>
Run run(uint32_t limit, Feed feed) {
    SseDecoder decoder(limit);
    Run r;
    feed([&](std::string_view piece) {
        const SseStatus status = decoder.feed_all(piece, [&](const SseEvent& e) {
            check_event(e, limit);
            r.events.push_back(flatten(e));
        });
        check(status != SseStatus::event);
        if (status == SseStatus::error) {
            check(decoder.failed());
            r.error = true;
            return false;
        }
        return true;
    });
    if (r.error) {
        size_t n = 0;
        check(decoder.feed_all("data: x\n\n", [&](const SseEvent&) { ++n; }) == SseStatus::error);
        check(n == 0);
    }
    r.mid_event = r.error ? false : decoder.mid_event();
    return r;
}

// Names and data survive encode -> decode (ids are left out: an empty id is not encoded,
// and an id persists, so the pair would not round-trip).
void check_round_trip(const Run& r) {
    rg::ByteBuffer encoded;
    for (const std::string& flat : r.events) {
        const size_t a = flat.find('\0');
        const size_t b = flat.find('\0', a + 1);
        rg::translate::append_sse_event(encoded, std::string_view(flat).substr(0, a),
                                        std::string_view(flat).substr(a + 1, b - a - 1));
    }
    SseDecoder decoder(rg::limits::stream_event_bytes_default);
    size_t i = 0;
    const SseStatus status = decoder.feed_all(encoded.view(), [&](const SseEvent& e) {
        check(i < r.events.size());
        const std::string& flat = r.events[i++];
        const size_t a = flat.find('\0');
        const size_t b = flat.find('\0', a + 1);
        check(e.event == std::string_view(flat).substr(0, a));
        check(e.data == std::string_view(flat).substr(a + 1, b - a - 1));
    });
    check(status == SseStatus::need_more);
    check(i == r.events.size());
    check(!decoder.mid_event());
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    const rg::fuzz::Input in = rg::fuzz::split_input(data, size);
    const Run whole = run(in.limit, [&](auto drain) { drain(in.body); });
    const Run cut = run(in.limit, [&](auto drain) { rg::fuzz::feed_cut(in.body, in.seed, drain); });
    check(whole == cut);
    check_round_trip(whole);
    return 0;
}
