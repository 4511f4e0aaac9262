#include "json/request_scan.h"

#include <gtest/gtest.h>

#include <cstring>
#include <string>
#include <vector>

namespace rg::json {
namespace {

// Expected outcome of one scan. `error` is a substring of the error context; empty when the
// scan must succeed.
struct Case {
    const char* name;
    std::string body;
    std::string error;
    bool has_model = false;
    std::string model;
    bool has_stream = false;
    bool stream = false;
    bool include_usage = false;
};

Case ok(const char* name, std::string body, std::string model, bool has_stream = false,
        bool stream = false, bool include_usage = false) {
    return Case{name,       std::move(body), "",           true, std::move(model),
                has_stream, stream,          include_usage};
}

Case no_model(const char* name, std::string body) {
    return Case{name, std::move(body), "", false, "", false, false, false};
}

Case fails(const char* name, std::string body, std::string error) {
    return Case{name, std::move(body), std::move(error), false, "", false, false, false};
}

std::vector<Case> cases() {
    return {
        ok("Simple", R"({"model":"gpt-4o","messages":[]})", "gpt-4o"),
        ok("ModelLast", R"({"messages":[{"role":"user","content":"hi"}],"model":"m"})", "m"),
        ok("NestedModelKeysDoNotMatch",
           R"({"messages":[{"model":"inner","content":{"model":"deeper"}}],"model":"outer"})",
           "outer"),
        no_model("OnlyNestedModel", R"({"messages":[{"model":"inner"}],"metadata":{"model":"x"}})"),
        no_model("EmptyObject", "{}"),
        no_model("NullModel", R"({"model":null})"),
        ok("EscapedQuote", R"({"model":"a\"b"})", "a\"b"),
        ok("EscapedBackslash", R"({"model":"a\\b"})", "a\\b"),
        ok("EscapedSlash", R"({"model":"org\/model"})", "org/model"),
        ok("UnicodeEscape", R"({"model":"gpt-\u0034o"})", "gpt-4o"),
        ok("UnicodeTwoBytes", R"({"model":"mod\u00e8le"})", "mod\xc3\xa8le"),
        ok("UnicodeSurrogatePair", R"({"model":"x\ud83d\ude00"})", "x\xf0\x9f\x98\x80"),
        ok("RawUtf8", "{\"model\":\"mod\xc3\xa8le\"}", "mod\xc3\xa8le"),
        ok("EscapedKey", R"({"mod\u0065l":"k"})", "k"),
        ok("EmptyModel", R"({"model":""})", ""),
        ok("ModelWithColonsAndSlashes", R"({"model":"ft:gpt-4o:org:x:1/y"})",
           "ft:gpt-4o:org:x:1/y"),
        ok("StreamTrue", R"({"model":"m","stream":true})", "m", true, true),
        ok("StreamFalse", R"({"model":"m","stream":false})", "m", true, false),
        ok("StreamNull", R"({"model":"m","stream":null})", "m", false, false),
        ok("StreamBeforeModel", R"({"stream":true,"model":"m"})", "m", true, true),
        ok("IncludeUsage", R"({"model":"m","stream":true,"stream_options":{"include_usage":true}})",
           "m", true, true, true),
        ok("IncludeUsageFalse", R"({"model":"m","stream_options":{"include_usage":false}})", "m"),
        ok("IncludeUsageAmongOthers",
           R"({"model":"m","stream_options":{"include_obfuscation":false,"include_usage":true}})",
           "m", false, false, true),
        ok("StreamOptionsNull", R"({"model":"m","stream_options":null})", "m"),
        ok("NestedStreamIgnored", R"({"model":"m","extra":{"stream":true,"stream_options":1}})",
           "m"),
        ok("Whitespace", " \n\t{ \"model\" :\r\n \"x\" ,\n\"stream\"\t:\ttrue\r\n}\n\t ", "x", true,
           true),
        ok("WhitespaceInsideModelKept", R"({"model":" spaced name "})", " spaced name "),
        ok("ModelOf256Bytes", "{\"model\":\"" + std::string(256, 'a') + "\"}",
           std::string(256, 'a')),
        ok("OtherValuesOfEveryType",
           R"({"a":1,"b":-2.5e3,"c":true,"d":null,"e":[],"f":{},"g":"s","model":"m"})", "m"),
        fails("TopLevelArray", R"([{"model":"m"}])", "must be a JSON object"),
        fails("TopLevelString", R"("model")", "must be a JSON object"),
        fails("TopLevelNumber", "42", "must be a JSON object"),
        fails("Empty", "", "empty"),
        fails("OnlyWhitespace", " \n ", "empty"),
        fails("TruncatedInArray", R"({"model":"m","messages":[)", "not valid JSON"),
        fails("TruncatedInObject", R"({"model":"m","messages":[{"role":"user"}])",
              "not valid JSON"),
        fails("TruncatedInString", R"({"model":"m)", "not valid JSON"),
        fails("TruncatedAfterKey", R"({"model":)", "not valid JSON"),
        fails("TruncatedAfterComma", R"({"model":"m",)", "not valid JSON"),
        fails("TrailingData", R"({"model":"m"} x)", "not valid JSON"),
        fails("TwoDocuments", R"({"model":"m"}{"model":"n"})", "after the JSON object"),
        fails("ExtraClosingBrace", R"({"model":"m"}})", "after the JSON object"),
        fails("TrailingComma", R"({"model":"m",})", "not valid JSON"),
        fails("LoneComma", "{,}", "not valid JSON"),
        fails("ControlByteInString", "{\"model\":\"a\x01b\"}", "not valid JSON"),
        fails("MissingColon", R"({"model" "m"})", "not valid JSON"),
        fails("DuplicateModel", R"({"model":"cheap","model":"expensive"})",
              "duplicate key \"model\""),
        fails("DuplicateModelEscaped", R"({"model":"cheap","m\u006fdel":"expensive"})",
              "duplicate key \"model\""),
        fails("DuplicateModelNull", R"({"model":null,"model":"x"})", "duplicate key \"model\""),
        fails("DuplicateStream", R"({"stream":false,"stream":true})", "duplicate key \"stream\""),
        fails("DuplicateStreamOptions", R"({"stream_options":{},"stream_options":{}})",
              "duplicate key \"stream_options\""),
        fails("DuplicateIncludeUsage",
              R"({"stream_options":{"include_usage":false,"include_usage":true}})",
              "duplicate key \"stream_options.include_usage\""),
        fails("ModelNumber", R"({"model":4})", "\"model\" must be a string"),
        fails("ModelObject", R"({"model":{"name":"m"}})", "\"model\" must be a string"),
        fails("ModelArray", R"({"model":["m"]})", "\"model\" must be a string"),
        fails("ModelBool", R"({"model":true})", "\"model\" must be a string"),
        fails("ModelTooLong", "{\"model\":\"" + std::string(257, 'a') + "\"}", "longer than 256"),
        fails("ModelBadEscape", R"({"model":"a\xb"})", "not valid JSON"),
        fails("ModelLoneSurrogate", R"({"model":"a\ud800"})", "not valid JSON"),
        fails("StreamString", R"({"stream":"true"})", "\"stream\" must be a boolean"),
        fails("StreamNumber", R"({"stream":1})", "\"stream\" must be a boolean"),
        fails("StreamBadLiteral", R"({"stream":tru})", "\"stream\" must be a boolean"),
        fails("StreamBadNull", R"({"stream":nul})", "not valid JSON"),
        fails("StreamOptionsString", R"({"stream_options":"x"})", "must be an object"),
        fails("IncludeUsageString", R"({"stream_options":{"include_usage":"yes"}})",
              "\"stream_options.include_usage\" must be a boolean"),
        fails("InvalidUtf8", "{\"model\":\"m\xff\"}", "UTF-8"),
        fails("InvalidUtf8InSkippedValue", "{\"model\":\"m\",\"x\":\"\xc3\"}", "UTF-8"),
        fails("UnbalancedSkippedValue", R"({"model":"m","x":[[1]})", "not valid JSON"),
    };
}

void expect_case(const Case& c, const Result<RequestScan>& r) {
    if (!c.error.empty()) {
        ASSERT_FALSE(r.ok()) << c.name;
        EXPECT_NE(std::string(r.error().context).find(c.error), std::string::npos)
            << c.name << ": " << r.error().context;
        EXPECT_EQ(r.error().code, ErrorCode::invalid_argument) << c.name;
        EXPECT_EQ(r.error().side, Side::downstream) << c.name;
        return;
    }
    ASSERT_TRUE(r.ok()) << c.name << ": " << r.error().context;
    EXPECT_EQ(r->has_model, c.has_model) << c.name;
    EXPECT_EQ(r->model(), c.model) << c.name;
    EXPECT_EQ(r->has_stream, c.has_stream) << c.name;
    EXPECT_EQ(r->stream, c.stream) << c.name;
    EXPECT_EQ(r->include_usage, c.include_usage) << c.name;
}

TEST(ScanRequest, FindsTopLevelFieldsOrRejects) {
    for (const Case& c : cases()) {
        expect_case(c, scan_request(c.body));
    }
}

TEST(ScanRequest, ReportsAStreamOptionsKeyWhateverItsValue) {
    EXPECT_FALSE(scan_request(R"({"model":"m","stream":true})")->has_stream_options);
    EXPECT_TRUE(scan_request(R"({"model":"m","stream_options":null})")->has_stream_options);
    EXPECT_TRUE(scan_request(R"({"model":"m","stream_options":{}})")->has_stream_options);
    EXPECT_FALSE(
        scan_request(R"({"model":"m","extra":{"stream_options":{}}})")->has_stream_options);
}

TEST(ScanRequest, InPlaceScanAgreesWithCopyWhateverThePaddingHeld) {
    for (const Case& c : cases()) {
        for (char fill : {'\0', '"', ']', '}', '\\', ' ', 'x'}) {
            std::string padded = c.body + std::string(padding_bytes + 3, fill);
            expect_case(c, scan_request(padded.data(), c.body.size(), padded.size()));
            EXPECT_EQ(padded.substr(0, c.body.size()), c.body);
            if (!c.body.empty()) {
                EXPECT_EQ(padded.substr(c.body.size(), padding_bytes),
                          std::string(padding_bytes, '\0'));
            }
        }
    }
}

TEST(ScanRequest, LeavesShortSpareBytesAlone) {
    std::string padded = std::string(R"({"model":"m"})") + "}}}";
    Result<RequestScan> r = scan_request(padded.data(), padded.size() - 3, padded.size());
    ASSERT_TRUE(r.ok());
    EXPECT_EQ(padded, R"({"model":"m"}}}})");
}

TEST(ScanRequest, ModelTokenCoversTheRawStringWithQuotes) {
    const std::string body = "{ \"model\" :  \"gpt-\\u0034o\"  , \"stream\": true}";
    Result<RequestScan> r = scan_request(body);
    ASSERT_TRUE(r.ok());
    EXPECT_EQ(body.substr(r->model_token.offset, r->model_token.size), "\"gpt-\\u0034o\"");
    EXPECT_EQ(r->model(), "gpt-4o");
}

TEST(ScanRequest, ModelTokenIsRelativeToTheBodyWhenCopied) {
    std::string body = R"({"messages":[],"model":"abc"})";
    body.reserve(body.size() + 3);
    Result<RequestScan> r = scan_request(body.data(), body.size(), body.size());
    ASSERT_TRUE(r.ok());
    EXPECT_EQ(body.substr(r->model_token.offset, r->model_token.size), "\"abc\"");
}

TEST(ScanRequest, ScansAByteBufferInPlaceWithoutChangingIt) {
    ByteBuffer buf;
    buf.append("xx");
    buf.consume(2);
    const std::string body = R"({"model":"m","stream":true})";
    buf.append(body);
    Result<RequestScan> r = scan_request(buf);
    ASSERT_TRUE(r.ok());
    EXPECT_EQ(r->model(), "m");
    EXPECT_TRUE(r->stream);
    EXPECT_EQ(buf.view(), body);
}

std::string big_body(size_t content_bytes, bool model_first) {
    std::string content(content_bytes, 'x');
    for (size_t i = 0; i < content.size(); i += 97) {
        content[i] = ' ';
    }
    std::string messages = R"("messages":[{"role":"user","content":")" + content + R"("}])";
    return model_first ? R"({"model":"big","stream":true,)" + messages + "}"
                       : "{" + messages + R"(,"stream":true,"model":"big"})";
}

TEST(ScanRequest, ScansHugeBodiesWithTheModelAtEitherEnd) {
    for (size_t bytes : {size_t{100 * 1024}, size_t{5 * 1024 * 1024}}) {
        for (bool first : {true, false}) {
            const std::string body = big_body(bytes, first);
            for (int round = 0; round < 2; ++round) {  // second round: after the shrink
                Result<RequestScan> r = scan_request(body);
                ASSERT_TRUE(r.ok()) << bytes << " " << first;
                EXPECT_EQ(r->model(), "big");
                EXPECT_TRUE(r->stream);
                EXPECT_EQ(body.substr(r->model_token.offset, r->model_token.size), "\"big\"");
            }
        }
    }
    // A small body after a huge one still scans (buffers shrank back).
    Result<RequestScan> r = scan_request(R"({"model":"small"})");
    ASSERT_TRUE(r.ok());
    EXPECT_EQ(r->model(), "small");
}

TEST(ScanRequest, ManyTopLevelKeysAndDeepSkippedValues) {
    std::string body = "{\"deep\":" + std::string(500, '[') + std::string(500, ']') + ",";
    for (int i = 0; i < 5000; ++i) {
        body += "\"k" + std::to_string(i) + "\":[{\"model\":\"no\"}],";
    }
    body += "\"model\":\"yes\"}";
    Result<RequestScan> r = scan_request(body);
    ASSERT_TRUE(r.ok()) << r.error().context;
    EXPECT_EQ(r->model(), "yes");
}

TEST(ScanRequest, SkipsNestingDeeperThanAParserStackWithoutRecursing) {
    // Skipped values are walked by counting brackets, so depth costs no stack.
    const std::string body =
        "{\"x\":" + std::string(100000, '[') + std::string(100000, ']') + ",\"model\":\"m\"}";
    Result<RequestScan> r = scan_request(body);
    ASSERT_TRUE(r.ok()) << r.error().context;
    EXPECT_EQ(r->model(), "m");
}

TEST(ScanRequest, ChecksSkippedValuesForStructureOnly) {
    // Documented limit: the provider rejects these; the scan still reports what a strict
    // parser would read if the values were fixed, and never a different top-level model.
    for (std::string body : {R"({"a":tru,"model":"m"})", R"({"a":[1},"model":"m"})"}) {
        Result<RequestScan> r = scan_request(body);
        ASSERT_TRUE(r.ok()) << body;
        EXPECT_EQ(r->model(), "m");
    }
}

TEST(ScanRequest, ScanIsACopyThatOutlivesTheBody) {
    Result<RequestScan> first = scan_request(std::string(R"({"model":"first"})"));
    Result<RequestScan> second = scan_request(std::string(R"({"model":"second"})"));
    ASSERT_TRUE(first.ok());
    ASSERT_TRUE(second.ok());
    EXPECT_EQ(first->model(), "first");
    EXPECT_EQ(second->model(), "second");
}

}  // namespace
}  // namespace rg::json

// The build's x86-64 level decides simdjson's On-Demand kernel; a flag lost on the way (a
// target built without the level's -march) would silently run the scalar fallback.
TEST(OndemandKernel, MatchesTheBuildLevel) {
#if defined(__x86_64__) && defined(RG_X86_LEVEL)
    const char* expected = RG_X86_LEVEL >= 3   ? "haswell"
                           : RG_X86_LEVEL == 2 ? "westmere"
                                               : "fallback";
    EXPECT_EQ(rg::json::ondemand_kernel(), expected);
#else
    EXPECT_FALSE(rg::json::ondemand_kernel().empty());
#endif
}
