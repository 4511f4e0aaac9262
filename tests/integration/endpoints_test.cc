// Embeddings, token counts, legacy completions and Gemini's JSON-array stream across formats,
// on the real binary against the mock. The mock's vectors are a function of the input text
// and the dimensions, whichever API asked (tools/mock/README.md), so a translated vector must
// equal the one the mock gives for the same text in the client's own format.
#include <simdjson.h>

#include <gtest/gtest.h>

#include <cstring>
#include <string>
#include <vector>

#include "harness/fixture.h"

namespace rg::test {
namespace {

std::string config(int port) {
    return mock_gateway_config(port) +
           "  - {name: text-embedding-004, targets: [{provider: ge}]}\n"
           "  - {name: text-embedding-3-small, targets: [{provider: oa}]}\n"
           "  - {name: gpt-4o, targets: [{provider: oa}]}\n";
}

using Vector = std::vector<double>;

// The numbers of a JSON array.
Vector numbers(simdjson::dom::element e) {
    Vector v;
    for (simdjson::dom::element n : e.get_array()) {
        v.push_back(n.get_double().value());
    }
    return v;
}

// OpenAI's base64 embedding: little-endian float32s.
Vector from_base64(std::string_view b64) {
    auto sextet = [](char c) -> uint32_t {
        if (c >= 'A' && c <= 'Z')
            return static_cast<uint32_t>(c - 'A');
        if (c >= 'a' && c <= 'z')
            return static_cast<uint32_t>(c - 'a' + 26);
        if (c >= '0' && c <= '9')
            return static_cast<uint32_t>(c - '0' + 52);
        return c == '+' ? 62u : 63u;
    };
    std::string bytes;
    for (size_t i = 0; i + 3 < b64.size(); i += 4) {
        uint32_t n = sextet(b64[i]) << 18 | sextet(b64[i + 1]) << 12;
        bytes.push_back(static_cast<char>(n >> 16));
        if (b64[i + 2] != '=') {
            n |= sextet(b64[i + 2]) << 6;
            bytes.push_back(static_cast<char>((n >> 8) & 0xff));
        }
        if (b64[i + 3] != '=') {
            n |= sextet(b64[i + 3]);
            bytes.push_back(static_cast<char>(n & 0xff));
        }
    }
    Vector v;
    for (size_t i = 0; i + 4 <= bytes.size(); i += 4) {
        float f = 0;
        std::memcpy(&f, bytes.data() + i, 4);
        v.push_back(f);
    }
    return v;
}

void expect_close(const Vector& a, const Vector& b, double eps) {
    ASSERT_EQ(a.size(), b.size());
    for (size_t i = 0; i < a.size(); ++i) {
        ASSERT_NEAR(a[i], b[i], eps) << "at " << i;
    }
}

class EndpointsTest : public MockGatewaySuite {
  protected:
    static void SetUpTestSuite() { start_suite(config); }
    // The mock's own OpenAI vector for `text` at `dims` (asked directly, not through ringgate).
    static Vector mock_openai_vector(const std::string& text, int dims) {
        Response r = call(post("/v1/embeddings",
                               "{\"model\":\"x\",\"input\":\"" + text +
                                   "\",\"dimensions\":" + std::to_string(dims) + "}",
                               "Authorization: Bearer sk-direct\r\n"),
                          mock_->port());
        simdjson::dom::parser p;
        return numbers(p.parse(r.body)["data"].at(0)["embedding"].value());
    }
    simdjson::dom::parser parser_;
};

TEST_F(EndpointsTest, OpenAIEmbeddingsOfAGeminiModelComeBackInOrder) {
    Response r = call(post("/v1/embeddings",
                           "{\"model\":\"text-embedding-004\",\"input\":[\"alpha one\",\"beta\","
                           "\"gamma three words\"],\"dimensions\":8}",
                           openai_auth));
    ASSERT_EQ(r.status, 200) << r.body;
    simdjson::dom::element doc = parser_.parse(r.body).value();
    EXPECT_EQ(std::string_view(doc["object"]), "list");
    EXPECT_EQ(std::string_view(doc["model"]), "text-embedding-004");
    simdjson::dom::array data = doc["data"].get_array();
    ASSERT_EQ(data.size(), 3u);
    const char* texts[] = {"alpha one", "beta", "gamma three words"};
    for (size_t i = 0; i < 3; ++i) {
        EXPECT_EQ(uint64_t(data.at(i)["index"]), i);
        EXPECT_EQ(std::string_view(data.at(i)["object"]), "embedding");
        expect_close(numbers(data.at(i)["embedding"].value()), mock_openai_vector(texts[i], 8), 0);
    }
    // Gemini reports no tokens: the estimate, ceil(bytes / 4) per input (3 + 1 + 5).
    EXPECT_EQ(uint64_t(doc["usage"]["prompt_tokens"]), 9u);
    std::string log = mock_->attempts("model=text-embedding-004");
    EXPECT_TRUE(has(log, "text-embedding-004:batchEmbedContents")) << log;
    EXPECT_TRUE(has(log, "\"key\":\"sk-ge\"")) << log;
}

TEST_F(EndpointsTest, OneOpenAIInputUsesEmbedContentAndBase64IsEncodedByTheGateway) {
    Response r = call(post("/v1/embeddings",
                           "{\"model\":\"text-embedding-004\",\"input\":\"hello world\","
                           "\"encoding_format\":\"base64\"}",
                           openai_auth));
    ASSERT_EQ(r.status, 200) << r.body;
    simdjson::dom::element doc = parser_.parse(r.body).value();
    std::string_view b64 = doc["data"].at(0)["embedding"];
    Vector v = from_base64(b64);
    EXPECT_EQ(v.size(), 768u);  // the mock's default for a Gemini text-embedding model
    expect_close(v, mock_openai_vector("hello world", 768), 1e-6);
    EXPECT_TRUE(has(mock_->attempts(), "text-embedding-004:embedContent"));
}

TEST_F(EndpointsTest, TokenIdInputToAGeminiModelIsRefusedInOpenAIsFormat) {
    Response r = call(post("/v1/embeddings",
                           "{\"model\":\"text-embedding-004\",\"input\":[[1,2,3]]}", openai_auth));
    EXPECT_EQ(r.status, 400) << r.body;
    EXPECT_TRUE(has(r.body, "\"type\":\"invalid_request_error\"")) << r.body;
    EXPECT_TRUE(has(r.body, "token-id input")) << r.body;
    EXPECT_FALSE(has(mock_->attempts(), "embedContent"));
}

TEST_F(EndpointsTest, GeminiEmbedRoutesReachOpenAIAndGeminiModels) {
    const std::string one =
        "{\"content\":{\"parts\":[{\"text\":\"hello world\"}]},"
        "\"outputDimensionality\":16}";
    Response r = call(post("/v1beta/models/text-embedding-3-small:embedContent", one, gemini_auth));
    ASSERT_EQ(r.status, 200) << r.body;
    simdjson::dom::element doc = parser_.parse(r.body).value();
    expect_close(numbers(doc["embedding"]["values"].value()), mock_openai_vector("hello world", 16),
                 0);
    std::string log = mock_->attempts("model=text-embedding-3-small");
    EXPECT_TRUE(has(log, "\"path\":\"/v1/embeddings\"")) << log;

    const std::string batch =
        "{\"requests\":[{\"model\":\"models/text-embedding-3-small\",\"content\":{\"parts\":"
        "[{\"text\":\"one\"}]}},{\"model\":\"models/text-embedding-3-small\",\"content\":"
        "{\"parts\":[{\"text\":\"two\"}]}}]}";
    Response b =
        call(post("/v1beta/models/text-embedding-3-small:batchEmbedContents", batch, gemini_auth));
    ASSERT_EQ(b.status, 200) << b.body;
    simdjson::dom::element bd = parser_.parse(b.body).value();
    simdjson::dom::array list = bd["embeddings"].get_array();
    ASSERT_EQ(list.size(), 2u);
    expect_close(numbers(list.at(1)["values"].value()), mock_openai_vector("two", 1536), 0);

    // Same format: passed through to the Gemini provider.
    Response p = call(post("/v1beta/models/text-embedding-004:embedContent", one, gemini_auth));
    ASSERT_EQ(p.status, 200) << p.body;
    EXPECT_EQ(parser_.parse(p.body)["embedding"]["values"].get_array().size(), 16u);
    EXPECT_TRUE(has(mock_->attempts(), "text-embedding-004:embedContent"));
}

TEST_F(EndpointsTest, AnthropicCountTokensOfAGeminiModel) {
    Response r = call(post("/v1/messages/count_tokens",
                           "{\"model\":\"gemini-2.5-flash\",\"system\":\"be brief\",\"messages\":"
                           "[{\"role\":\"user\",\"content\":\"count these four words\"}]}",
                           anthropic_auth));
    ASSERT_EQ(r.status, 200) << r.body;
    // The mock counts words of the system instruction and the contents.
    EXPECT_EQ(r.body, "{\"input_tokens\":6}");
    EXPECT_TRUE(has(mock_->attempts(), "gemini-2.5-flash:countTokens"));
}

TEST_F(EndpointsTest, GeminiCountTokensOfClaudeAndOpenAIModels) {
    const std::string body =
        "{\"contents\":[{\"role\":\"user\",\"parts\":[{\"text\":\"three words here\"}]}]}";
    Response r = call(post("/v1beta/models/claude-sonnet-4-5:countTokens", body, gemini_auth));
    ASSERT_EQ(r.status, 200) << r.body;
    EXPECT_EQ(r.body, "{\"totalTokens\":3}");
    EXPECT_TRUE(has(mock_->attempts(), "/v1/messages/count_tokens"));

    // OpenAI has no count endpoint: the gateway's own estimate, no upstream request.
    mock_->reset();
    Response o = call(post("/v1beta/models/gpt-4o:countTokens", body, gemini_auth));
    ASSERT_EQ(o.status, 200) << o.body;
    EXPECT_TRUE(has(o.body, "\"totalTokens\":")) << o.body;
    EXPECT_GT(uint64_t(parser_.parse(o.body)["totalTokens"]), 0u);
    EXPECT_TRUE(has(mock_->attempts(), "\"total\":0")) << mock_->attempts();
}

// Gemini's stream without alt=sse, from a model of another format: a JSON array sent as it
// comes, parsed whole here.
TEST_F(EndpointsTest, GeminiArrayStreamFromAClaudeModelIsOneJsonArray) {
    const std::string body =
        "{\"contents\":[{\"role\":\"user\",\"parts\":[{\"text\":\"hello there\"}]}]}";
    Response r =
        call(post("/v1beta/models/claude-sonnet-4-5:streamGenerateContent", body, gemini_auth));
    ASSERT_EQ(r.status, 200) << r.body;
    EXPECT_EQ(r.header("content-type"), "application/json");
    EXPECT_EQ(r.body.front(), '[');
    EXPECT_EQ(r.body.back(), ']');
    EXPECT_TRUE(has(r.body, "},\r\n{")) << r.body;
    simdjson::dom::element doc;
    ASSERT_EQ(parser_.parse(r.body).get(doc), simdjson::SUCCESS) << r.body;
    std::string text;
    std::string_view finish;
    for (simdjson::dom::element chunk : doc.get_array()) {
        EXPECT_TRUE(chunk["error"].error() != simdjson::SUCCESS) << r.body;
        for (simdjson::dom::element part : chunk["candidates"].at(0)["content"]["parts"]) {
            text += std::string_view(part["text"]);
        }
        std::string_view f;
        if (chunk["candidates"].at(0)["finishReason"].get(f) == simdjson::SUCCESS) {
            finish = f;
        }
    }
    EXPECT_EQ(text, "tok1 tok2 tok3");
    EXPECT_EQ(finish, "STOP");
}

TEST_F(EndpointsTest, GeminiArrayStreamCutMidwayEndsWithAnErrorElement) {
    const std::string body =
        "{\"contents\":[{\"role\":\"user\",\"parts\":[{\"text\":\"hello there\"}]}]}";
    for (const char* fault : {"cut", "stream_error"}) {
        SCOPED_TRACE(fault);
        Response r = call(post("/v1beta/models/claude-sonnet-4-5~tokens=6~" + std::string(fault) +
                                   "~after=3:streamGenerateContent",
                               body, gemini_auth));
        ASSERT_EQ(r.status, 200) << r.body;
        simdjson::dom::element doc;
        ASSERT_EQ(parser_.parse(r.body).get(doc), simdjson::SUCCESS) << r.body;
        simdjson::dom::array chunks = doc.get_array();
        ASSERT_GE(chunks.size(), 2u) << r.body;
        simdjson::dom::element last = chunks.at(chunks.size() - 1);
        EXPECT_EQ(last["error"].error(), simdjson::SUCCESS) << r.body;
        EXPECT_GE(int64_t(last["error"]["code"]), 500) << r.body;
        EXPECT_EQ(chunks.at(0)["error"].error(), simdjson::NO_SUCH_FIELD) << r.body;
    }
}

// Passed through, the array may be cut inside an element: no element can be added that
// parses, so the client's transfer is cut short (no last chunk) rather than ended with SSE.
TEST_F(EndpointsTest, GeminiArrayPassthroughCutMidwayIsCutForTheClient) {
    const std::string body =
        "{\"contents\":[{\"role\":\"user\",\"parts\":[{\"text\":\"hello there\"}]}]}";
    HttpClient c;
    ASSERT_TRUE(c.connect(gateway_->port()));
    ASSERT_TRUE(
        c.send(post("/v1beta/models/gemini-2.5-flash~tokens=6~cut~after=3:"
                    "streamGenerateContent",
                    body, gemini_auth)));
    Response r;
    EXPECT_FALSE(c.read_response(&r, 5000)) << r.body;  // no last chunk: the transfer is cut
    EXPECT_EQ(r.status, 200);
    EXPECT_TRUE(has(r.body, "[{")) << r.body;
    EXPECT_FALSE(has(r.body, "data: ")) << r.body;
    EXPECT_FALSE(has(r.body, "\"error\"")) << r.body;
}

TEST_F(EndpointsTest, LegacyCompletionsOfClaudeAndGeminiModels) {
    for (const char* model : {"claude-sonnet-4-5", "gemini-2.5-flash"}) {
        SCOPED_TRACE(model);
        Response r = call(post("/v1/completions",
                               std::string("{\"model\":\"") + model +
                                   "\",\"prompt\":\"Say this is a test\",\"max_tokens\":7}",
                               openai_auth));
        ASSERT_EQ(r.status, 200) << r.body;
        simdjson::dom::element doc = parser_.parse(r.body).value();
        EXPECT_EQ(std::string_view(doc["object"]), "text_completion");
        EXPECT_EQ(std::string_view(doc["choices"].at(0)["text"]), "tok1 tok2 tok3");
        EXPECT_EQ(std::string_view(doc["choices"].at(0)["finish_reason"]), "stop");
        EXPECT_EQ(uint64_t(doc["usage"]["prompt_tokens"]), 5u);
        EXPECT_EQ(uint64_t(doc["usage"]["completion_tokens"]), 3u);

        Response s = call(post("/v1/completions",
                               std::string("{\"model\":\"") + model +
                                   "\",\"prompt\":\"Say this is a test\",\"stream\":true,"
                                   "\"stream_options\":{\"include_usage\":true}}",
                               openai_auth));
        ASSERT_EQ(s.status, 200) << s.body;
        EXPECT_EQ(s.header("content-type"), "text/event-stream");
        EXPECT_TRUE(has(s.body, "\"object\":\"text_completion\"")) << s.body;
        EXPECT_FALSE(has(s.body, "chat.completion")) << s.body;
        EXPECT_TRUE(has(s.body, "\"text\":\" tok2\"")) << s.body;
        EXPECT_TRUE(has(s.body, "\"finish_reason\":\"stop\"")) << s.body;
        EXPECT_TRUE(has(s.body, "\"choices\":[],\"usage\":{\"prompt_tokens\":5")) << s.body;
        EXPECT_TRUE(s.body.size() > 14 && s.body.substr(s.body.size() - 14) == "data: [DONE]\n\n")
            << s.body;
    }
}

}  // namespace
}  // namespace rg::test
