// Translating the same request (and answer) twice with the same Arena, IR and output buffer
// allocates nothing the second time. rg_alloc_counter (tests/common/alloc_count.h) counts
// malloc/calloc/realloc and operator new, so allocations in the static libraries and in
// simdjson's headers are all seen.
#include <gtest/gtest.h>

#include "common/alloc_count.h"

#include <cstdlib>
#include <new>
#include <string>

#include "json_equal.h"
#include "translate/translate.h"

// Built only without sanitizers (translate_tests.cmake): it replaces operator new, which
// the sanitizers' allocator owns.
#if defined(__SANITIZE_ADDRESS__)
#error "no_alloc_test is not built with sanitizers"
#endif

namespace rg::translate {
namespace {

const std::string data_dir = RG_TRANSLATE_DATA_DIR;

struct Pair {
    Format from;
    Format to;
    const char* stem;  // tests/data/translate/<stem>.in.json
};

// Counts allocations of one request translation; the body is copied in before counting.
uint64_t translate_request_once(const Pair& p, const std::string& body, Arena& arena,
                                Request& request, ByteBuffer& out) {
    const uint64_t before = rg::alloc_count::allocations();
    arena.reset();
    out.clear();
    ParseOptions po;
    po.gemini_model = "gemini-2.5-flash";
    EmitOptions eo;
    eo.model = "upstream-model";
    EXPECT_TRUE(parse_request(p.from, body, po, arena, &request).ok());
    EXPECT_TRUE(emit_request(p.to, request, eo, arena, out).ok());
    return rg::alloc_count::allocations() - before;
}

uint64_t translate_response_once(const Pair& p, const std::string& body, Arena& arena,
                                 Response& response, ByteBuffer& out) {
    const uint64_t before = rg::alloc_count::allocations();
    arena.reset();
    out.clear();
    ResponseOptions ro;
    ro.model = "public-model";
    ro.id_token = "rg1";
    EXPECT_TRUE(parse_response(p.from, body, arena, &response).ok());
    EXPECT_TRUE(emit_response(p.to, response, ro, arena, out).ok());
    return rg::alloc_count::allocations() - before;
}

TEST(NoAllocation, ASecondRequestTranslationWithTheSameArenaAllocatesNothing) {
    const Pair pairs[] = {
        {Format::openai_chat, Format::anthropic, "req/openai--anthropic--history"},
        {Format::openai_chat, Format::gemini, "req/openai--gemini--tools_schema_stream"},
        {Format::anthropic, Format::openai_chat, "req/anthropic--openai--thinking_tools"},
        {Format::anthropic, Format::gemini, "req/anthropic--gemini--tool_result"},
        {Format::gemini, Format::openai_chat, "req/gemini--openai--stream_parallel"},
        {Format::gemini, Format::anthropic, "req/gemini--anthropic--stream_parallel"},
    };
    for (const Pair& p : pairs) {
        SCOPED_TRACE(p.stem);
        const std::string body = testing::read_file(data_dir + "/" + p.stem + ".in.json");
        Arena arena;
        Request request;
        ByteBuffer out;
        const uint64_t first = translate_request_once(p, body, arena, request, out);
        EXPECT_GT(first, 0u);  // the counter sees the warm-up
        const std::string first_out(out.view());
        EXPECT_EQ(translate_request_once(p, body, arena, request, out), 0u);
        EXPECT_EQ(out.view(), first_out);
    }
}

TEST(NoAllocation, ASecondAnswerTranslationWithTheSameArenaAllocatesNothing) {
    const Pair pairs[] = {
        {Format::anthropic, Format::openai_chat, "resp/anthropic--openai--thinking_cache"},
        {Format::gemini, Format::openai_chat, "resp/gemini--openai--tool"},
        {Format::openai_chat, Format::anthropic, "resp/openai--anthropic--cached"},
        {Format::gemini, Format::anthropic, "resp/gemini--anthropic--thought_safety"},
        {Format::openai_chat, Format::gemini, "resp/openai--gemini--tool"},
        {Format::anthropic, Format::gemini, "resp/anthropic--gemini--thinking_tool"},
    };
    for (const Pair& p : pairs) {
        SCOPED_TRACE(p.stem);
        const std::string body = testing::read_file(data_dir + "/" + p.stem + ".in.json");
        Arena arena;
        Response response;
        ByteBuffer out;
        translate_response_once(p, body, arena, response, out);
        EXPECT_EQ(translate_response_once(p, body, arena, response, out), 0u);
    }
}

}  // namespace
}  // namespace rg::translate
