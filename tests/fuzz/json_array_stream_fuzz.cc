// Fuzzes rg::translate::JsonArrayStreamDecoder with arbitrary bytes (stream_fuzz_util.h:
// the first 4 bytes choose the element limit and the cuts). Checked: no crash; the cut body
// gives exactly the elements, end, error and mid-element answers of the whole one; each
// element is an object's bytes within the limit; errors are sticky; the classifier runs on
// every element.
#include <string>
#include <vector>

#include "stream_fuzz_util.h"
#include "translate/json_array_stream_decoder.h"
#include "translate/stream_sentinel.h"

namespace {

using rg::fuzz::check;
using rg::translate::ArrayStatus;
using rg::translate::JsonArrayStreamDecoder;

struct Run {
    std::vector<std::string> elements;
    bool error = false;
    bool finished = false;
    bool mid_element = false;
    bool operator==(const Run&) const = default;
};

template <typename Feed>
Run run(uint32_t limit, Feed feed) {
    JsonArrayStreamDecoder decoder(limit);
    rg::translate::StreamSentinel sentinel(rg::translate::StreamFormat::gemini_json_array);
    Run r;
    feed([&](std::string_view piece) {
        const ArrayStatus status = decoder.feed_all(piece, [&](std::string_view e) {
            check(e.size() >= 2 && e.size() <= limit);
            check(e.front() == '{' && (e.back() == '}' || e.back() == ']'));
            sentinel.observe_element(e);
            r.elements.emplace_back(e);
        });
        check(status != ArrayStatus::element);
        check((status == ArrayStatus::end) == (decoder.finished() && !decoder.failed()));
        if (status == ArrayStatus::error) {
            check(decoder.failed());
            r.error = true;
            return false;
        }
        return true;
    });
    if (r.error) {
        check(decoder.feed_all("]", [](std::string_view) { check(false); }) == ArrayStatus::error);
    }
    r.finished = decoder.finished();
    r.mid_element = decoder.mid_element();
    return r;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    const rg::fuzz::Input in = rg::fuzz::split_input(data, size);
    const Run whole = run(in.limit, [&](auto drain) { drain(in.body); });
    const Run cut = run(in.limit, [&](auto drain) { rg::fuzz::feed_cut(in.body, in.seed, drain); });
    check(whole == cut);
    return 0;
}
