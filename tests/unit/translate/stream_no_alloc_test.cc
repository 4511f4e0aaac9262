// The stream framing path must not allocate per event once its buffers are warm. This
// binary links rg_alloc_counter (tests/common/alloc_count.h), which counts the calling
// thread's malloc/calloc/realloc and operator new.
#include <gtest/gtest.h>

#include "common/alloc_count.h"

#include <cstdlib>
#include <new>
#include <string>
#include <vector>

#include "stream_test_util.h"
#include "translate/json_array_stream_decoder.h"
#include "translate/sse_decoder.h"
#include "translate/sse_encoder.h"
#include "translate/stream_sentinel.h"

#if defined(__SANITIZE_ADDRESS__)
#error "stream_no_alloc_test is not built with sanitizers"
#endif

namespace rg::translate {
namespace {

using test::cut_every;
using test::read_stream_file;

struct Stream {
    StreamFormat format;
    std::vector<std::string> pieces;
};

// Every golden SSE stream, cut two ways: realistic 1 KiB receive buffers (events mostly
// inside a piece: zero copy) and 5-byte slivers (every event spans pieces: copied).
std::vector<Stream> sse_streams() {
    std::vector<Stream> streams;
    for (const std::string& file : test::sse_stream_files()) {
        const StreamFormat format = file.starts_with("anthropic/") ? StreamFormat::anthropic
                                    : file.starts_with("gemini/")  ? StreamFormat::gemini_sse
                                    : file.find("responses") != std::string::npos
                                        ? StreamFormat::openai_responses
                                        : StreamFormat::openai_chat;
        const std::string body = read_stream_file(file);
        streams.push_back({format, cut_every(body, 1024)});
        streams.push_back({format, cut_every(body, 5)});
    }
    return streams;
}

// Decodes, classifies and re-encodes every stream; returns the events seen.
size_t run_sse_streams(const std::vector<Stream>& streams, SseDecoder& decoder, ByteBuffer& out) {
    size_t events = 0;
    for (const Stream& s : streams) {
        decoder.reset();
        StreamSentinel sentinel(s.format);
        out.clear();
        for (const std::string& piece : s.pieces) {
            const SseStatus status = decoder.feed_all(piece, [&](const SseEvent& e) {
                sentinel.observe(e);
                (void)carries_content(s.format, e);
                append_sse_event(out, e);
                ++events;
            });
            EXPECT_EQ(status, SseStatus::need_more);
        }
        append_sse_comment(out, "keep-alive");
        EXPECT_FALSE(decoder.mid_event());
    }
    return events;
}

TEST(StreamNoAlloc, CounterSeesAllocations) {
    const uint64_t before = rg::alloc_count::allocations();
    // Through volatile pointers, so the compiler cannot elide the pairs.
    void* volatile block = std::malloc(16);
    std::free(block);
    int* volatile number = new int(1);
    delete number;
    EXPECT_EQ(rg::alloc_count::allocations() - before, 2u);
}

TEST(StreamNoAlloc, SseDecodeClassifyEncodeDoNotAllocateWhenWarm) {
    const std::vector<Stream> streams = sse_streams();
    SseDecoder decoder;
    ByteBuffer out;
    const size_t warm_events = run_sse_streams(streams, decoder, out);
    ASSERT_GT(warm_events, 100u);

    const uint64_t before = rg::alloc_count::allocations();
    const size_t events = run_sse_streams(streams, decoder, out);
    EXPECT_EQ(rg::alloc_count::allocations() - before, 0u);
    EXPECT_EQ(events, warm_events);
}

TEST(StreamNoAlloc, JsonArrayDecodeDoesNotAllocateWhenWarm) {
    const std::string body = read_stream_file("gemini/generate_text.stream.json_array.txt");
    const std::vector<std::vector<std::string>> cuts = {cut_every(body, 1024), cut_every(body, 3)};
    JsonArrayStreamDecoder decoder;
    auto run = [&] {
        size_t elements = 0;
        for (const auto& pieces : cuts) {
            decoder.reset();
            StreamSentinel sentinel(StreamFormat::gemini_json_array);
            ArrayStatus status = ArrayStatus::need_more;
            for (const std::string& piece : pieces) {
                status = decoder.feed_all(piece, [&](std::string_view element) {
                    sentinel.observe_element(element);
                    ++elements;
                });
            }
            EXPECT_EQ(status, ArrayStatus::end);
            sentinel.observe_array_end();
            EXPECT_TRUE(sentinel.terminated());
        }
        return elements;
    };
    const size_t warm = run();
    ASSERT_EQ(warm, 6u);
    const uint64_t before = rg::alloc_count::allocations();
    EXPECT_EQ(run(), warm);
    EXPECT_EQ(rg::alloc_count::allocations() - before, 0u);
}

}  // namespace
}  // namespace rg::translate
