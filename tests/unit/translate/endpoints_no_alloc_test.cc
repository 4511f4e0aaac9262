// Embeddings, token counts and the stream re-framers allocate nothing once warm: the same
// translation done twice with the same Arena, IR and buffers allocates nothing the second
// time (rg_alloc_counter, tests/common/alloc_count.h).
#include <gtest/gtest.h>

#include "common/alloc_count.h"

#include <string>

#include "json_equal.h"
#include "translate/completions.h"
#include "translate/count_tokens.h"
#include "translate/embeddings.h"
#include "translate/json_array_framer.h"

#if defined(__SANITIZE_ADDRESS__)
#error "endpoints_no_alloc_test is not built with sanitizers"
#endif

namespace rg::translate {
namespace {

const std::string dir = std::string(RG_TRANSLATE_DATA_DIR) + "/endpoints";

// Runs `f` twice; returns the allocations of the second run.
template <typename F>
uint64_t warm_allocations(F&& f) {
    f();
    const uint64_t before = rg::alloc_count::allocations();
    f();
    return rg::alloc_count::allocations() - before;
}

TEST(EndpointsNoAlloc, EmbeddingsBothWaysWithBase64) {
    const std::string req = testing::read_file(dir + "/embed/resp/gemini--openai--batch.req.json");
    const std::string in = testing::read_file(dir + "/embed/resp/gemini--openai--batch.in.json");
    Arena request_arena, arena;
    EmbedRequest request;
    EmbedResponse response;
    ByteBuffer out;
    EXPECT_EQ(
        warm_allocations([&] {
            request_arena.reset();
            arena.reset();
            out.clear();
            ASSERT_TRUE(
                parse_embed_request(Format::openai_chat, req, false, request_arena, &request).ok());
            request.base64 = true;
            ASSERT_TRUE(emit_embed_request(Format::gemini, request, "m", out).ok());
            out.clear();
            ASSERT_TRUE(parse_embed_response(Format::gemini, in, request, arena, &response).ok());
            ASSERT_TRUE(emit_embed_response(Format::openai_chat, request, response,
                                            EmbedAnswerOptions{"m", 1}, out)
                            .ok());
        }),
        0u);
}

TEST(EndpointsNoAlloc, CountTokensToGemini) {
    const std::string in = testing::read_file(dir + "/count/req/anthropic--gemini--tools.in.json");
    Arena arena, scratch;
    Request request;
    ByteBuffer work, out;
    EXPECT_EQ(
        warm_allocations([&] {
            arena.reset();
            scratch.reset();
            out.clear();
            ASSERT_TRUE(parse_count_request(Format::anthropic, in, "", arena, &request).ok());
            ASSERT_TRUE(emit_count_request(Format::gemini, request, "m", scratch, work, out).ok());
        }),
        0u);
}

TEST(EndpointsNoAlloc, StreamReframers) {
    const std::string chat = testing::read_file(dir + "/streams/completions_chat.sse");
    Arena arena;
    CompletionsReframer completions;
    JsonArrayFramer array;
    ByteBuffer out;
    EXPECT_EQ(warm_allocations([&] {
                  out.clear();
                  completions.reset();
                  completions.feed(chat, arena, out);
                  out.clear();
                  array.reset();
                  array.feed(chat, out);
                  array.finish(out);
              }),
              0u);
}

}  // namespace
}  // namespace rg::translate
