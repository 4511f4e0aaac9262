// The stream translators must not allocate per event once its buffers are warm. This
// binary links rg_alloc_counter (tests/common/alloc_count.h), which counts the calling
// thread's malloc/calloc/realloc and operator new.
#include <gtest/gtest.h>

#include "common/alloc_count.h"

#include <cstdlib>
#include <new>
#include <string>
#include <vector>

#include "stream_test_util.h"
#include "translate/stream_translate.h"

#if defined(__SANITIZE_ADDRESS__)
#error "stream_translate_no_alloc_test is not built with sanitizers"
#endif
namespace rg::translate {
namespace {

struct Case {
    const char* input;
    Format from;
    Format to;
};

// Every direction with a golden, including in-stream errors.
const Case cases[] = {
    {"anthropic/messages_tool_parallel.stream.sse", Format::anthropic, Format::openai_chat},
    {"anthropic/messages_thinking.stream.sse", Format::anthropic, Format::openai_chat},
    {"anthropic/messages_stream_error.sse", Format::anthropic, Format::openai_chat},
    {"gemini/generate_tool_parallel.stream.sse", Format::gemini, Format::openai_chat},
    {"gemini/generate_text.stream.sse", Format::gemini, Format::openai_chat},
    {"openai/chat_text.stream.sse", Format::openai_chat, Format::anthropic},
    {"openai/chat_tool.stream.sse", Format::openai_chat, Format::anthropic},
    {"openai/chat_stream_error.sse", Format::openai_chat, Format::anthropic},
    {"openai/chat_tool.stream.sse", Format::openai_chat, Format::gemini},
    {"openai/chat_text.stream.sse", Format::openai_chat, Format::gemini},
    {"gemini/generate_tool.stream.sse", Format::gemini, Format::anthropic},
    {"anthropic/messages_tool_parallel.stream.sse", Format::anthropic, Format::gemini},
    {"anthropic/messages_thinking.stream.sse", Format::anthropic, Format::gemini},
    {"openai/chat_tool.stream.sse", Format::openai_chat, Format::openai_responses},
    {"openai/chat_text.stream.sse", Format::openai_chat, Format::openai_responses},
    {"anthropic/messages_tool.stream.sse", Format::anthropic, Format::openai_responses},
    {"anthropic/messages_thinking.stream.sse", Format::anthropic, Format::openai_responses},
    {"anthropic/messages_stream_error.sse", Format::anthropic, Format::openai_responses},
    {"gemini/generate_tool.stream.sse", Format::gemini, Format::openai_responses},
    {"openai/responses_text.stream.sse", Format::openai_responses, Format::openai_chat},
    {"openai/responses_tool.stream.sse", Format::openai_responses, Format::openai_chat},
    {"openai/responses_stream_error.sse", Format::openai_responses, Format::openai_chat},
    {"openai/responses_tool.stream.sse", Format::openai_responses, Format::anthropic},
    {"openai/responses_text.stream.sse", Format::openai_responses, Format::gemini},
    {"openai/responses_tool.stream.sse", Format::openai_responses, Format::gemini},
};

struct Stream {
    Case c;
    std::vector<std::string> pieces;
};

// Each stream cut two ways: 1 KiB receive buffers and 5-byte slivers.
std::vector<Stream> streams() {
    std::vector<Stream> out;
    for (const Case& c : cases) {
        const std::string body = test::read_stream_file(c.input);
        out.push_back({c, test::cut_every(body, 1024)});
        out.push_back({c, test::cut_every(body, 5)});
    }
    return out;
}

size_t run(const std::vector<Stream>& all, StreamTranslator& t, ByteBuffer& out) {
    size_t bytes = 0;
    StreamOptions o;
    o.id_token = "req_0123456789";
    o.include_usage = true;
    for (const Stream& s : all) {
        t.start(s.c.from, s.c.to, o);
        out.clear();
        for (const std::string& piece : s.pieces) {
            t.feed(piece, out);
        }
        const StreamEnd end = t.finish(out);
        EXPECT_TRUE(end == StreamEnd::complete || end == StreamEnd::upstream_error);
        bytes += out.size();
    }
    return bytes;
}

TEST(StreamTranslateNoAlloc, WarmTranslatorDoesNotAllocate) {
    const std::vector<Stream> all = streams();
    StreamTranslator t;
    ByteBuffer out;
    const size_t warm = run(all, t, out);
    ASSERT_GT(warm, 1000u);
    const uint64_t before = rg::alloc_count::allocations();
    const size_t bytes = run(all, t, out);
    EXPECT_EQ(rg::alloc_count::allocations() - before, 0u);
    EXPECT_EQ(bytes, warm);
}

TEST(StreamTranslateNoAlloc, CounterSeesAllocations) {
    const uint64_t before = rg::alloc_count::allocations();
    void* volatile block = std::malloc(16);
    std::free(block);
    EXPECT_EQ(rg::alloc_count::allocations() - before, 1u);
}

}  // namespace
}  // namespace rg::translate
