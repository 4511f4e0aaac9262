// Unit tests of the translation rules: invalid input, role rules, tool id <-> name mapping,
// schema rewriting, usage mapping, error translation and A -> IR -> A round trips.
#include "translate/translate.h"

#include <gtest/gtest.h>

#include <string>

#include "json_equal.h"
#include "translate/common.h"

namespace rg::translate {
namespace {

using testing::json_diff;
using testing::read_file;

const std::string fixtures = RG_SPEC_FIXTURES_DIR;

struct Translated {
    bool ok = false;
    std::string context;  // the error message when !ok
    std::string body;
};

Translated translate_request(Format from, Format to, std::string_view body,
                             EmitOptions options = {}) {
    Arena arena;
    Request request;
    ParseOptions po;
    po.gemini_model = "gemini-2.5-flash";
    Translated t;
    Result<void> parsed = parse_request(from, body, po, arena, &request);
    if (!parsed.ok()) {
        t.context = parsed.error().context;
        return t;
    }
    if (options.model.empty()) {
        options.model = "m";
    }
    ByteBuffer out;
    Result<void> emitted = emit_request(to, request, options, arena, out);
    if (!emitted.ok()) {
        t.context = emitted.error().context;
        return t;
    }
    t.ok = true;
    t.body = std::string(out.view());
    return t;
}

Translated translate_response(Format from, Format to, std::string_view body) {
    Arena arena;
    Response response;
    Translated t;
    Result<void> parsed = parse_response(from, body, arena, &response);
    if (!parsed.ok()) {
        t.context = parsed.error().context;
        return t;
    }
    ResponseOptions o;
    o.model = "pub";
    o.id_token = "t";
    ByteBuffer out;
    EXPECT_TRUE(emit_response(to, response, o, arena, out).ok());
    t.ok = true;
    t.body = std::string(out.view());
    return t;
}

// --- invalid input ----------------------------------------------------------------------

TEST(InvalidInput, IsRejectedWithAClearDownstreamError) {
    struct Row {
        Format format;
        const char* body;
        const char* message;
    };
    const Row rows[] = {
        {Format::openai_chat, "not json", "body is not valid JSON"},
        {Format::openai_chat, "[1,2]", "body is not valid JSON"},
        {Format::openai_chat, R"J({"model":"m"})J", "messages is required"},
        {Format::openai_chat, R"J({"messages":[]})J", "model is required"},
        {Format::openai_chat, R"J({"model":"m","messages":[{"role":"robot","content":"x"}]})J",
         "messages[].role must be system, developer, user, assistant or tool"},
        {Format::openai_chat, R"J({"model":"m","messages":[{"content":"x"}]})J",
         "messages[].role is missing or not a string"},
        {Format::openai_chat, R"J({"model":"m","messages":[{"role":"tool","content":"x"}]})J",
         "a tool message needs a tool_call_id"},
        {Format::openai_chat, R"J({"model":"m","messages":[],"temperature":"hot"})J",
         "temperature is not a number"},
        {Format::openai_chat,
         R"J({"model":"m","messages":[],"tools":[{"type":"function","function":{"name":"f","parameters":[1]}}]})J",
         "tools[].function.parameters must be a JSON object"},
        {Format::openai_chat, R"J({"model":"m","messages":[]} x)J", "body is not valid JSON"},
        {Format::anthropic, R"J({"model":"m","messages":[]})J", "max_tokens is required"},
        {Format::anthropic,
         R"J({"model":"m","max_tokens":5,"messages":[{"role":"system","content":"x"}]})J",
         "messages[].role must be user or assistant"},
        {Format::anthropic,
         R"J({"model":"m","max_tokens":5,"messages":[{"role":"assistant","content":[{"type":"tool_use","id":"a","name":"f","input":"x"}]}]})J",
         "tool_use.input must be a JSON object"},
        {Format::gemini, R"J({"generationConfig":{}})J", "contents is required"},
        {Format::gemini, R"J({"contents":[{"role":"bot","parts":[]}]})J",
         "contents[].role must be user or model"},
        {Format::gemini, R"J({"contents":[{"parts":[{"functionCall":{"args":{}}}]}]})J",
         "functionCall and functionResponse need a name"},
    };
    for (const Row& row : rows) {
        SCOPED_TRACE(row.body);
        Arena arena;
        Request request;
        Result<void> r = parse_request(row.format, row.body, {}, arena, &request);
        ASSERT_FALSE(r.ok());
        EXPECT_EQ(r.error().code, ErrorCode::invalid_argument);
        EXPECT_EQ(r.error().side, Side::downstream);
        EXPECT_STREQ(r.error().context, row.message);
    }
}

TEST(InvalidInput, RequestsATargetCannotExpressAreRejected) {
    const Translated n2 =
        translate_request(Format::openai_chat, Format::anthropic,
                          R"J({"model":"m","n":2,"messages":[{"role":"user","content":"hi"}]})J");
    EXPECT_FALSE(n2.ok);
    EXPECT_EQ(n2.context, "n > 1 is not supported by this model's provider");
    const Translated empty = translate_request(
        Format::openai_chat, Format::anthropic,
        R"J({"model":"m","messages":[{"role":"user","content":"  "},{"role":"assistant","content":""}]})J");
    EXPECT_FALSE(empty.ok);
    EXPECT_EQ(empty.context, "the request has no message with content");
}

TEST(InvalidInput, UpstreamAnswersThatAreNotAnswersAreUpstreamErrors) {
    Arena arena;
    Response response;
    Result<void> r = parse_response(Format::anthropic, R"J({"type":"message"})J", arena, &response);
    ASSERT_FALSE(r.ok());
    EXPECT_EQ(r.error().side, Side::upstream);
    r = parse_response(Format::gemini, R"J({"usageMetadata":{}})J", arena, &response);
    ASSERT_FALSE(r.ok());
    EXPECT_STREQ(r.error().context, "response has no candidates");
    r = parse_response(Format::openai_chat, "{", arena, &response);
    ASSERT_FALSE(r.ok());
    EXPECT_EQ(r.error().side, Side::upstream);
}

// --- role rules ---------------------------------------------------------------------------

TEST(RoleRules, AnthropicTurnsAlternateStartWithUserAndAnswerEveryCall) {
    const Translated t = translate_request(Format::openai_chat, Format::anthropic, R"J({
        "model":"m","messages":[
        {"role":"assistant","content":"earlier"},
        {"role":"assistant","content":"", "tool_calls":[
            {"id":"c1","type":"function","function":{"name":"f","arguments":"{}"}}]},
        {"role":"tool","tool_call_id":"zz","content":"orphan"},
        {"role":"user","content":"next"}]})J");
    ASSERT_TRUE(t.ok) << t.context;
    const std::string expected = R"J({"model":"m","max_tokens":4096,"messages":[
        {"role":"user","content":"(continued)"},
        {"role":"assistant","content":[{"type":"text","text":"earlier"},
            {"type":"tool_use","id":"c1","name":"f","input":{}}]},
        {"role":"user","content":[{"type":"text","text":"Tool result (zz): orphan"},
            {"type":"tool_result","tool_use_id":"c1","content":"no result","is_error":true},
            {"type":"text","text":"next"}]}]})J";
    EXPECT_EQ(json_diff(expected, t.body), "") << t.body;
}

TEST(RoleRules, TrailingUnansweredCallsGetAResultTurn) {
    const Translated t = translate_request(Format::openai_chat, Format::anthropic, R"J({
        "model":"m","messages":[{"role":"user","content":"go"},
        {"role":"assistant","content":null,"tool_calls":[
            {"id":"c1","type":"function","function":{"name":"f","arguments":"{\"a\":1}"}}]}]})J");
    ASSERT_TRUE(t.ok) << t.context;
    const std::string expected = R"J({"model":"m","max_tokens":4096,"messages":[
        {"role":"user","content":"go"},
        {"role":"assistant","content":[{"type":"tool_use","id":"c1","name":"f","input":{"a":1}}]},
        {"role":"user","content":[{"type":"tool_result","tool_use_id":"c1","content":"no result","is_error":true}]}]})J";
    EXPECT_EQ(json_diff(expected, t.body), "") << t.body;
}

TEST(RoleRules, GeminiNeverStartsWithAModelTurnAndKeepsResponsesApart) {
    const Translated t = translate_request(Format::anthropic, Format::gemini, R"J({
        "model":"m","max_tokens":10,"messages":[
        {"role":"assistant","content":[{"type":"tool_use","id":"t1","name":"f","input":{}}]},
        {"role":"user","content":[{"type":"text","text":"also this"},
            {"type":"tool_result","tool_use_id":"t1","content":"42"}]}]})J");
    ASSERT_TRUE(t.ok) << t.context;
    const std::string expected = R"J({"contents":[
        {"role":"user","parts":[{"text":"(continued)"}]},
        {"role":"model","parts":[{"functionCall":{"name":"f","args":{},"id":"t1"}}]},
        {"role":"user","parts":[{"functionResponse":{"name":"f","response":{"result":42},"id":"t1"}}]},
        {"role":"user","parts":[{"text":"also this"}]}],
        "generationConfig":{"maxOutputTokens":10}})J";
    EXPECT_EQ(json_diff(expected, t.body), "") << t.body;
}

// --- tool ids and names --------------------------------------------------------------------

TEST(ToolIds, GeminiResponsesMatchCallsByNameAndOrder) {
    // Responses come back in another order than the calls; same-name calls pair in order.
    const Translated t = translate_request(Format::gemini, Format::openai_chat, R"J({"contents":[
        {"role":"user","parts":[{"text":"q"}]},
        {"role":"model","parts":[{"functionCall":{"name":"a","args":{"n":1}}},
            {"functionCall":{"name":"b","args":{}}},{"functionCall":{"name":"a","args":{"n":2}}}]},
        {"role":"user","parts":[{"functionResponse":{"name":"b","response":{"r":"b"}}},
            {"functionResponse":{"name":"a","response":{"r":"a1"}}},
            {"functionResponse":{"name":"a","response":{"r":"a2"}}}]}]})J");
    ASSERT_TRUE(t.ok) << t.context;
    const std::string expected = R"J({"model":"m","messages":[
        {"role":"user","content":"q"},
        {"role":"assistant","content":null,"tool_calls":[
            {"id":"call_0","type":"function","function":{"name":"a","arguments":"{\"n\":1}"}},
            {"id":"call_1","type":"function","function":{"name":"b","arguments":"{}"}},
            {"id":"call_2","type":"function","function":{"name":"a","arguments":"{\"n\":2}"}}]},
        {"role":"tool","tool_call_id":"call_1","content":"{\"r\":\"b\"}"},
        {"role":"tool","tool_call_id":"call_0","content":"{\"r\":\"a1\"}"},
        {"role":"tool","tool_call_id":"call_2","content":"{\"r\":\"a2\"}"}]})J";
    EXPECT_EQ(json_diff(expected, t.body), "") << t.body;
}

TEST(ToolIds, GeminiIdsAreKeptWhenSentAndNamesFoundFromTheCallId) {
    const Translated t = translate_request(Format::gemini, Format::anthropic, R"J({"contents":[
        {"role":"user","parts":[{"text":"q"}]},
        {"role":"model","parts":[{"functionCall":{"name":"f","args":{},"id":"g-1"}}]},
        {"role":"user","parts":[{"functionResponse":{"name":"f","id":"g-1","response":{"ok":true}}}]}]})J");
    ASSERT_TRUE(t.ok) << t.context;
    EXPECT_NE(t.body.find(R"J("tool_use_id":"g-1","content":"{\"ok\":true}")J"), std::string::npos)
        << t.body;
    // Back to Gemini: the name comes from the call with that id (OpenAI results carry none).
    const Translated g = translate_request(Format::openai_chat, Format::gemini, R"J({"model":"m",
        "messages":[{"role":"user","content":"q"},
        {"role":"assistant","tool_calls":[{"id":"x9","type":"function","function":{"name":"lookup","arguments":"{}"}}]},
        {"role":"tool","tool_call_id":"x9","content":"not json"}]})J");
    ASSERT_TRUE(g.ok) << g.context;
    EXPECT_NE(
        g.body.find(
            R"J({"functionResponse":{"name":"lookup","response":{"result":"not json"},"id":"x9"}})J"),
        std::string::npos)
        << g.body;
}

TEST(ToolIds, AnswersMintIdsForCallsWithoutOne) {
    const std::string gemini = R"J({"candidates":[{"content":{"role":"model","parts":[
        {"functionCall":{"name":"a"}},{"functionCall":{"name":"b","args":{"x":1}}}]},
        "finishReason":"STOP"}]})J";
    const Translated o = translate_response(Format::gemini, Format::openai_chat, gemini);
    ASSERT_TRUE(o.ok) << o.context;
    EXPECT_NE(
        o.body.find(
            R"J("id":"call_t_0","type":"function","function":{"name":"a","arguments":"{}"})J"),
        std::string::npos)
        << o.body;
    EXPECT_NE(o.body.find(R"J("id":"call_t_1")J"), std::string::npos);
    EXPECT_NE(o.body.find(R"J("finish_reason":"tool_calls")J"), std::string::npos);
    const Translated a = translate_response(Format::gemini, Format::anthropic, gemini);
    ASSERT_TRUE(a.ok) << a.context;
    EXPECT_NE(a.body.find(R"J("id":"toolu_t_0","name":"a","input":{}})J"), std::string::npos)
        << a.body;
}

// --- thinking ----------------------------------------------------------------------------------

TEST(Thinking, SignaturesReachAnthropicByteExactAndForeignThoughtsDoNot) {
    const Translated t = translate_request(Format::openai_chat, Format::anthropic, R"J({"model":"m",
        "messages":[{"role":"user","content":"q"},
        {"role":"assistant","content":"a","reasoning_content":"mine",
         "thinking_blocks":[{"type":"thinking","thinking":"t","signature":"Eq+/=\u00e9"},
                            {"type":"redacted_thinking","data":"RD"}]},
        {"role":"user","content":"r"}]})J");
    ASSERT_TRUE(t.ok) << t.context;
    const std::string expected = R"J({"model":"m","max_tokens":4096,"messages":[
        {"role":"user","content":"q"},
        {"role":"assistant","content":[{"type":"thinking","thinking":"t","signature":"Eq+/=\u00e9"},
            {"type":"redacted_thinking","data":"RD"},{"type":"text","text":"a"}]},
        {"role":"user","content":"r"}]})J";
    EXPECT_EQ(json_diff(expected, t.body), "") << t.body;
    // Gemini thoughts go back to Gemini with their signature, never to Anthropic.
    const std::string gemini = R"J({"contents":[{"role":"user","parts":[{"text":"q"}]},
        {"role":"model","parts":[{"text":"hmm","thought":true,"thoughtSignature":"S1"},{"text":"a"}]},
        {"role":"user","parts":[{"text":"r"}]}]})J";
    const Translated a = translate_request(Format::gemini, Format::anthropic, gemini);
    ASSERT_TRUE(a.ok);
    EXPECT_EQ(a.body.find("hmm"), std::string::npos) << a.body;
}

TEST(Thinking, GeminiThoughtSignaturesOnCallsSurviveTheOpenAIHop) {
    const Translated t = translate_request(Format::openai_chat, Format::gemini, R"J({"model":"m",
        "messages":[{"role":"user","content":"q"},
        {"role":"assistant","tool_calls":[
            {"id":"a","type":"function","function":{"name":"f","arguments":"{}","thought_signature":"SIG"}},
            {"id":"b","type":"function","function":{"name":"f","arguments":"{}"}}]},
        {"role":"tool","tool_call_id":"a","content":"{}"},{"role":"tool","tool_call_id":"b","content":"{}"}]})J");
    ASSERT_TRUE(t.ok) << t.context;
    EXPECT_NE(t.body.find(
                  R"J({"functionCall":{"name":"f","args":{},"id":"a"},"thoughtSignature":"SIG"})J"),
              std::string::npos)
        << t.body;
    EXPECT_NE(t.body.find(R"J({"functionCall":{"name":"f","args":{},"id":"b"}})J"),
              std::string::npos);
    // Opt-in sentinel for foreign history: on the first call of a turn only.
    EmitOptions o;
    o.thought_signature_sentinel = true;
    const Translated s = translate_request(Format::anthropic, Format::gemini, R"J({"model":"m",
        "max_tokens":5,"messages":[{"role":"user","content":"q"},{"role":"assistant","content":[
        {"type":"tool_use","id":"a","name":"f","input":{}},{"type":"tool_use","id":"b","name":"f","input":{}}]}]})J",
                                           o);
    ASSERT_TRUE(s.ok) << s.context;
    EXPECT_NE(s.body.find(R"J("id":"a"},"thoughtSignature":"skip_thought_signature_validator"})J"),
              std::string::npos)
        << s.body;
    EXPECT_NE(s.body.find(R"J("id":"b"}})J"), std::string::npos) << s.body;
}

// --- schemas -------------------------------------------------------------------------------------

std::string schema(std::string_view raw, SchemaMode mode) {
    Arena arena;
    ByteBuffer out;
    JsonWriter w(out);
    Result<void> r = write_schema(arena, raw, mode, w);
    return r.ok() ? std::string(out.view()) : std::string("error: ") + r.error().context;
}

TEST(Schema, GeminiParametersKeepOnlyTheOpenApiSubset) {
    const std::string in =
        R"J({"$schema":"x","$id":"y","type":"object","additionalProperties":false,
        "properties":{"additionalProperties":{"type":"string","pattern":"^a"},
                      "tags":{"type":"array","items":{"type":["integer","null"],"exclusiveMinimum":0}},
                      "kind":{"oneOf":[{"const":"a"},{"type":"string","format":"date"}]}},
        "patternProperties":{"^x":{}},"$defs":{"d":{}},"required":["tags"]})J";
    const std::string expected = R"J({"type":"object",
        "properties":{"additionalProperties":{"type":"string","pattern":"^a"},
                      "tags":{"type":"array","items":{"type":"integer","nullable":true}},
                      "kind":{"anyOf":[{"enum":["a"]},{"type":"string","format":"date"}]}},
        "required":["tags"]})J";
    EXPECT_EQ(json_diff(expected, schema(in, SchemaMode::gemini_openapi)), "");
}

TEST(Schema, GeminiJsonSchemaDropsOnlyDollarSchema) {
    EXPECT_EQ(schema(R"J({"$schema":"x","type":"object","additionalProperties":false})J",
                     SchemaMode::gemini_json),
              R"J({"type":"object","additionalProperties":false})J");
}

TEST(Schema, GeminiTypeNamesAreLoweredForJsonSchemaTargets) {
    EXPECT_EQ(schema(R"J({"type":"OBJECT","properties":{"type":{"type":"STRING"}}})J",
                     SchemaMode::lowercase_types),
              R"J({"type":"object","properties":{"type":{"type":"string"}}})J");
}

TEST(Schema, DeepNestingIsRefused) {
    std::string deep;
    for (int i = 0; i < 60; ++i) {
        deep += R"J({"type":"array","items":)J";
    }
    deep += "{}";
    deep += std::string(60, '}');
    EXPECT_EQ(schema(deep, SchemaMode::gemini_openapi), "error: a JSON schema nests too deeply");
}

// --- usage -------------------------------------------------------------------------------------

TEST(Usage, EachCountIsMappedExactlyOnce) {
    // Anthropic: 10 uncached + 1000 cache reads + 100 cache writes in; 50 out, 30 thinking.
    const std::string anthropic = R"J({"content":[],"stop_reason":"end_turn","usage":{
        "input_tokens":10,"cache_read_input_tokens":1000,"cache_creation_input_tokens":100,
        "output_tokens":50,"output_tokens_details":{"thinking_tokens":30}}})J";
    const Translated g = translate_response(Format::anthropic, Format::gemini, anthropic);
    ASSERT_TRUE(g.ok);
    EXPECT_NE(
        g.body.find(
            R"J("usageMetadata":{"promptTokenCount":1110,"candidatesTokenCount":20,)J"
            R"J("totalTokenCount":1160,"cachedContentTokenCount":1000,"thoughtsTokenCount":30})J"),
        std::string::npos)
        << g.body;
    // Gemini -> Anthropic -> the same totals; tool-use prompt tokens stay in input_tokens.
    const std::string gemini =
        R"J({"candidates":[{"content":{"parts":[{"text":"x"}]},"finishReason":"STOP"}],
        "usageMetadata":{"promptTokenCount":100,"cachedContentTokenCount":40,"candidatesTokenCount":5,
        "thoughtsTokenCount":7,"toolUsePromptTokenCount":3,"totalTokenCount":115}})J";
    const Translated a = translate_response(Format::gemini, Format::anthropic, gemini);
    ASSERT_TRUE(a.ok);
    EXPECT_NE(a.body.find(R"J("usage":{"input_tokens":63,"cache_creation_input_tokens":0,)J"
                          R"J("cache_read_input_tokens":40,"output_tokens":12})J"),
              std::string::npos)
        << a.body;
    const Translated o = translate_response(Format::gemini, Format::openai_chat, gemini);
    ASSERT_TRUE(o.ok);
    EXPECT_NE(
        o.body.find(R"J("usage":{"prompt_tokens":103,"completion_tokens":12,"total_tokens":115,)J"
                    R"J("prompt_tokens_details":{"cached_tokens":40},)J"
                    R"J("completion_tokens_details":{"reasoning_tokens":7}})J"),
        std::string::npos)
        << o.body;
}

TEST(Usage, NullCountsFromCompatibleUpstreamsReadAsZero) {
    const Translated a = translate_response(Format::openai_chat, Format::anthropic, R"J({
        "choices":[{"message":{"content":"x"},"finish_reason":"length"}],
        "usage":{"prompt_tokens":5,"completion_tokens":null,"prompt_tokens_details":null}})J");
    ASSERT_TRUE(a.ok) << a.context;
    EXPECT_NE(a.body.find(R"J("stop_reason":"max_tokens")J"), std::string::npos);
    EXPECT_NE(a.body.find(R"J("input_tokens":5,)J"), std::string::npos);
}

// --- finish reasons ------------------------------------------------------------------------

TEST(FinishReason, FollowsTheStopReasonTables) {
    EXPECT_EQ(openai_finish_reason(finish_from_anthropic("end_turn")), "stop");
    EXPECT_EQ(openai_finish_reason(finish_from_anthropic("stop_sequence")), "stop");
    EXPECT_EQ(openai_finish_reason(finish_from_anthropic("max_tokens")), "length");
    EXPECT_EQ(openai_finish_reason(finish_from_anthropic("model_context_window_exceeded")),
              "length");
    EXPECT_EQ(openai_finish_reason(finish_from_anthropic("refusal")), "content_filter");
    EXPECT_EQ(openai_finish_reason(finish_from_anthropic("pause_turn")), "stop");
    EXPECT_EQ(gemini_finish_reason(finish_from_anthropic("tool_use")), "STOP");
    EXPECT_EQ(gemini_finish_reason(finish_from_anthropic("refusal")), "SAFETY");
    EXPECT_EQ(anthropic_stop_reason(finish_from_gemini("RECITATION")), "refusal");
    EXPECT_EQ(anthropic_stop_reason(finish_from_gemini("MALFORMED_FUNCTION_CALL")), "end_turn");
    EXPECT_EQ(anthropic_stop_reason(finish_from_gemini("MAX_TOKENS")), "max_tokens");
    EXPECT_EQ(openai_finish_reason(finish_from_gemini("OTHER")), "stop");
    EXPECT_EQ(anthropic_stop_reason(finish_from_openai("content_filter")), "refusal");
    EXPECT_EQ(anthropic_stop_reason(finish_from_openai("function_call")), "tool_use");
    EXPECT_EQ(gemini_finish_reason(finish_from_openai("length")), "MAX_TOKENS");
}

TEST(FinishReason, AnthropicStopSequenceIsReportedWhenKnown) {
    const Translated a = translate_response(Format::anthropic, Format::anthropic, R"J({
        "content":[{"type":"text","text":"x"}],"stop_reason":"stop_sequence","stop_sequence":"END"})J");
    ASSERT_TRUE(a.ok);
    EXPECT_NE(a.body.find(R"J("stop_reason":"stop_sequence","stop_sequence":"END")J"),
              std::string::npos);
}

// --- errors ------------------------------------------------------------------------------------

struct ErrorOut {
    int status;
    std::string body;
};

ErrorOut error(Format from, Format to, int status, std::string_view body) {
    Arena arena;
    ByteBuffer out;
    const int s = translate_error(from, to, status, body, arena, out);
    return {s, std::string(out.view())};
}

TEST(ErrorTranslation, RateLimitsKeepTheirMeaningAndGeminiRetryDelay) {
    const std::string gemini = read_file(fixtures + "/gemini/error_429.json");
    ErrorOut o = error(Format::gemini, Format::openai_chat, 429, gemini);
    EXPECT_EQ(o.status, 429);
    EXPECT_EQ(
        json_diff(
            R"J({"error":{"message":"You exceeded your current quota, please check your plan and billing details. For more information on this error, head to: https://ai.google.dev/gemini-api/docs/rate-limits.","type":"requests","param":null,"code":"rate_limit_exceeded"}})J",
            o.body),
        "");
    ErrorOut a = error(Format::openai_chat, Format::anthropic, 429,
                       read_file(fixtures + "/openai/error_429.json"));
    EXPECT_EQ(a.status, 429);
    EXPECT_NE(
        a.body.find(
            R"J({"type":"error","error":{"type":"rate_limit_error","message":"Rate limit reached)J"),
        std::string::npos);
    ErrorOut g = error(Format::anthropic, Format::gemini, 429,
                       read_file(fixtures + "/anthropic/error_429.json"));
    EXPECT_EQ(g.status, 429);
    EXPECT_NE(g.body.find(R"J("status":"RESOURCE_EXHAUSTED")J"), std::string::npos);
}

TEST(ErrorTranslation, OverloadAndServerErrorsMapPerClientFormat) {
    const std::string overloaded =
        R"J({"type":"error","error":{"type":"overloaded_error","message":"Overloaded"}})J";
    EXPECT_EQ(error(Format::anthropic, Format::openai_chat, 529, overloaded).status, 503);
    EXPECT_EQ(error(Format::anthropic, Format::gemini, 529, overloaded).status, 503);
    ErrorOut a = error(
        Format::gemini, Format::anthropic, 503,
        R"J({"error":{"code":503,"message":"The model is overloaded.","status":"UNAVAILABLE"}})J");
    EXPECT_EQ(a.status, 529);
    EXPECT_NE(a.body.find("overloaded_error"), std::string::npos);
    EXPECT_EQ(
        error(Format::openai_chat, Format::anthropic, 500, R"J({"error":{"message":"boom"}})J")
            .status,
        500);
    EXPECT_EQ(error(Format::anthropic, Format::gemini, 504, "gateway timeout").status, 504);
}

TEST(ErrorTranslation, UpstreamKeyProblemsAreNotClientAuthErrors) {
    const std::string bad_key =
        R"J([{"error":{"code":400,"message":"API key not valid. key=AIza...",
        "status":"INVALID_ARGUMENT","details":[{"@type":"type.googleapis.com/google.rpc.ErrorInfo",
        "reason":"API_KEY_INVALID"}]}}])J";
    ErrorOut o = error(Format::gemini, Format::openai_chat, 400, bad_key);
    EXPECT_EQ(o.status, 502);
    EXPECT_EQ(o.body.find("AIza"), std::string::npos) << o.body;
    EXPECT_NE(o.body.find("rejected the gateway's credentials"), std::string::npos);
    ErrorOut a = error(
        Format::openai_chat, Format::anthropic, 401,
        R"J({"error":{"message":"Incorrect API key provided: sk-abc","code":"invalid_api_key"}})J");
    EXPECT_EQ(a.status, 500);
    EXPECT_NE(a.body.find("api_error"), std::string::npos);
}

TEST(ErrorTranslation, BadRequestsKeepTheirCodeAndUnknownBodiesGetAMessage) {
    ErrorOut g = error(
        Format::openai_chat, Format::gemini, 400,
        R"J({"error":{"message":"too long","type":"invalid_request_error","code":"context_length_exceeded"}})J");
    EXPECT_EQ(g.status, 400);
    EXPECT_EQ(
        json_diff(R"J({"error":{"code":400,"message":"too long","status":"INVALID_ARGUMENT"}})J",
                  g.body),
        "");
    ErrorOut o =
        error(Format::anthropic, Format::openai_chat, 400,
              R"J({"type":"error","error":{"type":"invalid_request_error","message":"bad"}})J");
    EXPECT_EQ(
        json_diff(
            R"J({"error":{"message":"bad","type":"invalid_request_error","param":null,"code":null}})J",
            o.body),
        "");
    ErrorOut n = error(Format::openai_chat, Format::anthropic, 404, "<html>nope</html>");
    EXPECT_EQ(n.status, 404);
    EXPECT_NE(n.body.find("not_found_error"), std::string::npos);
    EXPECT_NE(n.body.find("the upstream provider answered with an error"), std::string::npos);
    ErrorOut q = error(
        Format::openai_chat, Format::openai_responses, 429,
        R"J({"error":{"message":"quota","type":"insufficient_quota","code":"insufficient_quota"}})J");
    EXPECT_NE(q.body.find(R"J("code":"insufficient_quota")J"), std::string::npos);
}

// --- round trips -----------------------------------------------------------------------------

struct RoundTrip {
    Format format;
    const char* fixture;
    const char* model;
};

TEST(RoundTrip, FixtureRequestsSurviveParseAndEmitInTheirOwnFormat) {
    const RoundTrip rows[] = {
        {Format::openai_chat, "openai/chat_text.request.json", "gpt-4o"},
        {Format::openai_chat, "openai/chat_tool_result.request.json", "gpt-4o"},
        {Format::openai_chat, "openai/chat_tool.request.json", "gpt-4o"},
        {Format::openai_chat, "openai/chat_json_schema.request.json", "gpt-4o"},
        {Format::openai_chat, "openai/chat_tool.stream.request.json", "gpt-4o"},
        {Format::anthropic, "anthropic/messages_text.request.json", "claude-sonnet-4-5"},
        {Format::anthropic, "anthropic/messages_tool.request.json", "claude-sonnet-4-5"},
        {Format::anthropic, "anthropic/messages_tool_result.request.json", "claude-sonnet-4-5"},
        {Format::anthropic, "anthropic/messages_image.request.json", "claude-sonnet-4-5"},
        {Format::anthropic, "anthropic/messages_json_schema.request.json", "claude-sonnet-4-5"},
        {Format::anthropic, "anthropic/messages_thinking.stream.request.json", "claude-sonnet-4-5"},
        {Format::gemini, "gemini/generate_text.request.json", ""},
        {Format::gemini, "gemini/generate_tool.request.json", ""},
        {Format::gemini, "gemini/generate_tool_result.request.json", ""},
        {Format::gemini, "gemini/generate_image.request.json", ""},
        {Format::gemini, "gemini/generate_json_schema.request.json", ""},
    };
    for (const RoundTrip& row : rows) {
        SCOPED_TRACE(row.fixture);
        const std::string in = read_file(fixtures + "/" + row.fixture);
        EmitOptions o;
        o.model = row.model;
        const Translated t = translate_request(row.format, row.format, in, o);
        ASSERT_TRUE(t.ok) << t.context;
        EXPECT_EQ(json_diff(in, t.body), "") << t.body;
    }
}

TEST(RoundTrip, FixtureAnswersSurviveParseAndEmitInTheirOwnFormat) {
    // Generated fields (ids, model, created) and fields the IR drops are not compared.
    const Translated a =
        translate_response(Format::anthropic, Format::anthropic,
                           read_file(fixtures + "/anthropic/messages_tool.response.json"));
    ASSERT_TRUE(a.ok);
    EXPECT_NE(
        a.body.find(
            R"J("content":[{"type":"text","text":"I'll check the current weather in Paris."},)J"
            R"J({"type":"tool_use","id":"toolu_01A09q90qw90lq917835lq9","name":"get_weather",)J"),
        std::string::npos)
        << a.body;
    EXPECT_NE(a.body.find(R"J("usage":{"input_tokens":398,"cache_creation_input_tokens":0,)J"
                          R"J("cache_read_input_tokens":0,"output_tokens":67})J"),
              std::string::npos);
    const Translated g =
        translate_response(Format::gemini, Format::gemini,
                           read_file(fixtures + "/gemini/generate_text.response.json"));
    ASSERT_TRUE(g.ok);
    EXPECT_NE(g.body.find(R"J("usageMetadata":{"promptTokenCount":12,"candidatesTokenCount":7,)J"
                          R"J("totalTokenCount":43,"thoughtsTokenCount":24})J"),
              std::string::npos)
        << g.body;
}

}  // namespace
}  // namespace rg::translate
