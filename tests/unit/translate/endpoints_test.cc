// Embeddings, token counts, legacy completions and the Gemini JSON-array framer: golden
// transcripts under tests/data/translate/endpoints (README.md there), refusals, and the
// stream re-framers fed split at every byte.
#include <gtest/gtest.h>

#include <algorithm>
#include <cstring>
#include <string>
#include <vector>

#include "golden_cases.h"
#include "json_equal.h"
#include "translate/completions.h"
#include "translate/count_tokens.h"
#include "translate/embeddings.h"
#include "translate/json_array_framer.h"

namespace rg::translate {
namespace {

using Case = testing::GoldenCase;
using testing::expect_json;
using testing::golden_cases;
using testing::read_file;

const std::string dir = std::string(RG_TRANSLATE_DATA_DIR) + "/endpoints";

bool is_batch(const Case& c) {
    return c.name.find("batch") != std::string::npos;
}

// --- Embeddings ---------------------------------------------------------------------------

TEST(EmbeddingsGolden, RequestsTranslateToTheExpectedBodies) {
    const std::vector<Case> all = golden_cases(dir + "/embed/req");
    EXPECT_GE(all.size(), 5u);
    Arena arena;
    EmbedRequest request;
    for (const Case& c : all) {
        SCOPED_TRACE(c.name);
        const std::string in = read_file(c.stem + ".in.json");
        arena.reset();
        Result<void> parsed = parse_embed_request(c.from, in, is_batch(c), arena, &request);
        ASSERT_TRUE(parsed.ok()) << parsed.error().context;
        ByteBuffer out;
        Result<void> emitted = emit_embed_request(c.to, request, "upstream-model", out);
        ASSERT_TRUE(emitted.ok()) << emitted.error().context;
        expect_json(read_file(c.stem + ".out.json"), out.view());
    }
}

// The answers' golden cases carry the client's request (.req.json), which decides the
// number of vectors, the Gemini answer shape and base64.
TEST(EmbeddingsGolden, AnswersTranslateToTheExpectedBodies) {
    const std::vector<Case> all = golden_cases(dir + "/embed/resp");
    EXPECT_GE(all.size(), 4u);
    Arena request_arena;
    Arena arena;
    EmbedRequest request;
    EmbedResponse response;
    for (const Case& c : all) {
        SCOPED_TRACE(c.name);
        const std::string req = read_file(c.stem + ".req.json");
        const std::string in = read_file(c.stem + ".in.json");
        request_arena.reset();
        ASSERT_TRUE(parse_embed_request(c.to, req, is_batch(c), request_arena, &request).ok());
        arena.reset();
        Result<void> parsed = parse_embed_response(c.from, in, request, arena, &response);
        ASSERT_TRUE(parsed.ok()) << parsed.error().context;
        EmbedAnswerOptions o;
        o.model = "public-model";
        for (std::string_view input : request.inputs) {
            o.prompt_tokens_estimate += (input.size() + 3) / 4;  // limits' estimate
        }
        ByteBuffer out;
        Result<void> emitted = emit_embed_response(c.to, request, response, o, out);
        ASSERT_TRUE(emitted.ok()) << emitted.error().context;
        expect_json(read_file(c.stem + ".out.json"), out.view());
    }
}

TEST(Embeddings, TokenIdInputToGeminiIsRefusedWithAClearMessage) {
    Arena arena;
    EmbedRequest request;
    for (const char* body :
         {R"({"model":"m","input":[1,2,3]})", R"({"model":"m","input":[[1,2],[3]]})"}) {
        SCOPED_TRACE(body);
        arena.reset();
        ASSERT_TRUE(parse_embed_request(Format::openai_chat, body, false, arena, &request).ok());
        EXPECT_TRUE(request.token_ids);
        ByteBuffer out;
        Result<void> r = emit_embed_request(Format::gemini, request, "g", out);
        ASSERT_FALSE(r.ok());
        EXPECT_EQ(r.error().side, Side::downstream);
        EXPECT_NE(std::strstr(r.error().context, "token-id input"), nullptr);
    }
}

TEST(Embeddings, RejectsMalformedRequests) {
    Arena arena;
    EmbedRequest request;
    const std::pair<Format, const char*> bad[] = {
        {Format::openai_chat, R"({"model":"m"})"},
        {Format::openai_chat, R"({"model":"m","input":[]})"},
        {Format::openai_chat, R"({"model":"m","input":{"a":1}})"},
        {Format::openai_chat, R"({"model":"m","input":"x","dimensions":0})"},
        {Format::openai_chat, R"({"model":"m","input":"x","encoding_format":"int8"})"},
        {Format::gemini, R"({"content":{"parts":[{"inlineData":{"data":"AA=="}}]}})"},
        {Format::gemini, R"({"taskType":"X"})"},
        {Format::gemini, R"({"requests":[]})"},
        {Format::gemini,
         R"({"requests":[{"content":{"parts":[{"text":"a"}]},"outputDimensionality":4},)"
         R"({"content":{"parts":[{"text":"b"}]},"outputDimensionality":8}]})"},
    };
    for (const auto& [format, body] : bad) {
        SCOPED_TRACE(body);
        arena.reset();
        bool batch = std::strstr(body, "requests") != nullptr;
        Result<void> r = parse_embed_request(format, body, batch, arena, &request);
        ASSERT_FALSE(r.ok());
        EXPECT_EQ(r.error().side, Side::downstream);
    }
}

TEST(Embeddings, AnswersThatDoNotMatchTheInputsAreUpstreamErrors) {
    Arena request_arena;
    EmbedRequest request;
    ASSERT_TRUE(parse_embed_request(Format::openai_chat, R"({"model":"m","input":["a","b"]})",
                                    false, request_arena, &request)
                    .ok());
    Arena arena;
    EmbedResponse response;
    const std::pair<Format, const char*> bad[] = {
        {Format::gemini, R"({"embeddings":[{"values":[1,2]}]})"},
        {Format::gemini, R"({"embeddings":[{"values":[1]},{"values":[2]},{"values":[3]}]})"},
        {Format::gemini, R"({"embeddings":[{"values":[1]},{"values":["x"]}]})"},
        {Format::gemini, R"({"embedding":{"values":[1]}})"},
        {Format::openai_chat,
         R"({"data":[{"index":0,"embedding":[1]},{"index":0,"embedding":[2]}]})"},
        {Format::openai_chat,
         R"({"data":[{"index":0,"embedding":[1]},{"index":2,"embedding":[2]}]})"},
        {Format::openai_chat,
         R"({"data":[{"index":0,"embedding":"AAAA"},{"index":1,"embedding":[2]}]})"},
    };
    for (const auto& [format, body] : bad) {
        SCOPED_TRACE(body);
        arena.reset();
        Result<void> r = parse_embed_response(format, body, request, arena, &response);
        ASSERT_FALSE(r.ok());
        EXPECT_EQ(r.error().side, Side::upstream);
    }
}

TEST(Embeddings, Base64IsLittleEndianFloat32) {
    ByteBuffer out;
    ASSERT_TRUE(append_float32_base64("[1.0]", out));
    EXPECT_EQ(out.view(), "AACAPw==");  // 0x3f800000 little-endian
    out.clear();
    ASSERT_TRUE(append_float32_base64("[ 1, -2.5e0 , 0 ]", out));
    EXPECT_EQ(out.view(), "AACAPwAAIMAAAAAA");
    out.clear();
    ASSERT_TRUE(append_float32_base64("[123456789012345678, 1e38, -0.0E+1]", out));
    out.clear();
    ASSERT_TRUE(append_float32_base64("[]", out));
    EXPECT_EQ(out.view(), "");
    for (const char* bad :
         {"[1,]", "[nan]", "[1 2]", "{}", "[\"1\"]", "[1]x", "[+1]", "[-.5]", "[1.]", "[01]",
          "[1e]", "[.5]", "[1e999]", "[-]", "[1234567890123456789]"}) {
        out.clear();
        EXPECT_FALSE(append_float32_base64(bad, out)) << bad;
    }
}

// --- Token counts -------------------------------------------------------------------------

TEST(CountTokensGolden, RequestsTranslateToTheExpectedBodies) {
    const std::vector<Case> all = golden_cases(dir + "/count/req");
    EXPECT_GE(all.size(), 4u);
    Arena arena;
    Arena scratch;
    Request request;
    for (const Case& c : all) {
        SCOPED_TRACE(c.name);
        const std::string in = read_file(c.stem + ".in.json");
        arena.reset();
        Result<void> parsed = parse_count_request(c.from, in, "gemini-2.5-flash", arena, &request);
        ASSERT_TRUE(parsed.ok()) << parsed.error().context;
        ByteBuffer work;
        ByteBuffer out;
        scratch.reset();
        Result<void> emitted =
            emit_count_request(c.to, request, "upstream-model", scratch, work, out);
        ASSERT_TRUE(emitted.ok()) << emitted.error().context;
        expect_json(read_file(c.stem + ".out.json"), out.view());
    }
}

TEST(CountTokensGolden, AnswersTranslateToTheExpectedBodies) {
    const std::vector<Case> all = golden_cases(dir + "/count/resp");
    EXPECT_GE(all.size(), 2u);
    Arena arena;
    for (const Case& c : all) {
        SCOPED_TRACE(c.name);
        uint64_t tokens = 0;
        Result<void> parsed =
            parse_count_response(c.from, read_file(c.stem + ".in.json"), arena, &tokens);
        ASSERT_TRUE(parsed.ok()) << parsed.error().context;
        ByteBuffer out;
        emit_count_response(c.to, tokens, out);
        expect_json(read_file(c.stem + ".out.json"), out.view());
    }
}

TEST(CountTokens, GeminiLeavesAZeroCountOutAndAnthropicMustSayIt) {
    Arena arena;
    uint64_t tokens = 7;
    ASSERT_TRUE(parse_count_response(Format::gemini, "{}", arena, &tokens).ok());
    EXPECT_EQ(tokens, 0u);
    EXPECT_FALSE(parse_count_response(Format::anthropic, "{}", arena, &tokens).ok());
    EXPECT_FALSE(
        parse_count_response(Format::anthropic, R"({"input_tokens":-1})", arena, &tokens).ok());
}

TEST(CountTokens, RequestsWithoutMessagesAreRefused) {
    Arena arena;
    Request request;
    EXPECT_FALSE(parse_count_request(Format::anthropic, "{}", "", arena, &request).ok());
    EXPECT_FALSE(parse_count_request(Format::anthropic, " [1]", "", arena, &request).ok());
    EXPECT_FALSE(parse_count_request(Format::gemini, R"({"generateContentRequest":{}})", "g", arena,
                                     &request)
                     .ok());
    // A max_tokens the client sent anyway is not forwarded: count_tokens rejects it.
    ASSERT_TRUE(parse_count_request(Format::anthropic,
                                    R"({"model":"c","max_tokens":9,"messages":[{"role":"user",)"
                                    R"("content":"hi"}]})",
                                    "", arena, &request)
                    .ok());
    EXPECT_FALSE(request.has_max_tokens);
}

// --- Legacy completions ---------------------------------------------------------------------

TEST(CompletionsGolden, RequestsTranslateToTheExpectedBodies) {
    const std::vector<Case> all = golden_cases(dir + "/completions/req");
    EXPECT_GE(all.size(), 2u);
    Arena arena;
    Request request;
    for (const Case& c : all) {
        SCOPED_TRACE(c.name);
        arena.reset();
        Result<void> parsed =
            parse_completions_request(read_file(c.stem + ".in.json"), arena, &request);
        ASSERT_TRUE(parsed.ok()) << parsed.error().context;
        ByteBuffer out;
        EmitOptions eo;
        eo.model = "upstream-model";
        Result<void> emitted = emit_request(c.to, request, eo, arena, out);
        ASSERT_TRUE(emitted.ok()) << emitted.error().context;
        expect_json(read_file(c.stem + ".out.json"), out.view());
    }
}

TEST(CompletionsGolden, AnswersTranslateToTheExpectedBodies) {
    const std::vector<Case> all = golden_cases(dir + "/completions/resp");
    EXPECT_GE(all.size(), 2u);
    Arena arena;
    Response response;
    for (const Case& c : all) {
        SCOPED_TRACE(c.name);
        arena.reset();
        Result<void> parsed =
            parse_response(c.from, read_file(c.stem + ".in.json"), arena, &response);
        ASSERT_TRUE(parsed.ok()) << parsed.error().context;
        ResponseOptions o;
        o.model = "public-model";
        o.id_token = "rg1";
        o.created_s = 1700000000;
        ByteBuffer out;
        ASSERT_TRUE(emit_completions_response(response, o, arena, out).ok());
        expect_json(read_file(c.stem + ".out.json"), out.view());
    }
}

TEST(Completions, PromptsWithoutAChatEquivalentAreRefused) {
    Arena arena;
    Request request;
    for (const char* body : {
             R"({"model":"m","prompt":[1,2,3]})",
             R"({"model":"m","prompt":[[1,2]]})",
             R"({"model":"m","prompt":["a","b"]})",
             R"({"model":"m","prompt":"a","suffix":"z"})",
             R"({"model":"m","prompt":"a","echo":true})",
             R"({"model":"m","prompt":"a","n":2})",
             R"({"model":"m","prompt":"a","best_of":3})",
             R"({"model":"m"})",
             R"({"prompt":"a"})",
         }) {
        SCOPED_TRACE(body);
        arena.reset();
        Result<void> r = parse_completions_request(body, arena, &request);
        ASSERT_FALSE(r.ok());
        EXPECT_EQ(r.error().side, Side::downstream);
    }
}

TEST(CompletionsReframer, ChatChunksBecomeTextCompletionChunksSplitAnywhere) {
    const std::string chat = read_file(dir + "/streams/completions_chat.sse");
    const std::string expected = read_file(dir + "/streams/completions_text.sse");
    Arena arena;
    CompletionsReframer r;
    for (size_t cut = 0; cut <= chat.size(); ++cut) {
        r.reset();
        ByteBuffer out;
        r.feed(std::string_view(chat).substr(0, cut), arena, out);
        r.feed(std::string_view(chat).substr(cut), arena, out);
        ASSERT_EQ(out.view(), expected) << "cut at " << cut;
    }
}

TEST(CompletionsReframer, ErrorsPassThroughUnchanged) {
    Arena arena;
    CompletionsReframer r;
    r.reset();
    ByteBuffer out;
    const std::string error = "data: {\"error\":{\"message\":\"x\",\"type\":\"server_error\"}}\n\n";
    r.feed(error, arena, out);
    EXPECT_EQ(out.view(), error);
}

// --- Gemini's JSON-array stream form ---------------------------------------------------------

TEST(JsonArrayFramer, SseEventsBecomeArrayElementsSplitAnywhere) {
    const std::string sse =
        "data: {\"a\":1}\n\ndata: {\"b\":\"x\\ny\"}\r\n\r\n: comment\n\ndata: {\"c\":[3]}\n\n";
    const std::string expected = "[{\"a\":1},\r\n{\"b\":\"x\\ny\"},\r\n{\"c\":[3]}]";
    JsonArrayFramer f;
    for (size_t cut = 0; cut <= sse.size(); ++cut) {
        f.reset();
        ByteBuffer out;
        f.feed(std::string_view(sse).substr(0, cut), out);
        f.feed(std::string_view(sse).substr(cut), out);
        EXPECT_FALSE(f.closed());
        f.finish(out);
        ASSERT_EQ(out.view(), expected) << "cut at " << cut;
        expect_json("[{\"a\":1},{\"b\":\"x\\ny\"},{\"c\":[3]}]", out.view());
    }
}

TEST(JsonArrayFramer, AnErrorIsTheLastElementAndAnEmptyStreamIsAnEmptyArray) {
    JsonArrayFramer f;
    f.reset();
    ByteBuffer out;
    f.feed("data: {\"a\":1}\n\n", out);
    f.append_element("{\"error\":{\"code\":500}}", out);
    f.finish(out);
    f.finish(out);                // once only
    f.append_element("{}", out);  // nothing after the close
    EXPECT_EQ(out.view(), "[{\"a\":1},\r\n{\"error\":{\"code\":500}}]");
    f.reset();
    out.clear();
    f.finish(out);
    EXPECT_EQ(out.view(), "[]");
    f.reset();
    out.clear();
    f.append_element("{\"error\":{}}", out);
    f.finish(out);
    EXPECT_EQ(out.view(), "[{\"error\":{}}]");
}

}  // namespace
}  // namespace rg::translate
