#include "proxy/error_body.h"

#include <gtest/gtest.h>
#include <simdjson.h>

#include <string>

namespace rg::proxy {
namespace {

std::string body(ClientFormat format, ErrorKind kind, std::string_view message,
                 const ErrorExtras& extras = {}) {
    ByteBuffer out;
    write_error(format, error_status(format, kind), kind, message, out, extras);
    return std::string(out.view());
}

TEST(ErrorStatus, FollowsTheWireFormatTable) {
    struct Row {
        ErrorKind kind;
        int openai;
        int anthropic;
        int gemini;
    };
    const Row rows[] = {
        {ErrorKind::invalid_request, 400, 400, 400},
        {ErrorKind::authentication, 401, 401, 401},
        {ErrorKind::permission, 403, 403, 403},
        {ErrorKind::not_found, 404, 404, 404},
        {ErrorKind::model_not_found, 404, 404, 404},
        {ErrorKind::method_not_allowed, 405, 405, 405},
        {ErrorKind::request_too_large, 413, 413, 400},
        {ErrorKind::rate_limited, 429, 429, 429},
        {ErrorKind::quota_exceeded, 429, 429, 429},
        {ErrorKind::upstream_error, 502, 500, 500},
        {ErrorKind::upstream_timeout, 504, 504, 504},
        {ErrorKind::overloaded, 503, 529, 503},
        {ErrorKind::internal, 500, 500, 500},
    };
    for (const Row& r : rows) {
        EXPECT_EQ(error_status(ClientFormat::openai, r.kind), r.openai) << error_kind_name(r.kind);
        EXPECT_EQ(error_status(ClientFormat::anthropic, r.kind), r.anthropic)
            << error_kind_name(r.kind);
        EXPECT_EQ(error_status(ClientFormat::gemini, r.kind), r.gemini) << error_kind_name(r.kind);
    }
}

TEST(WriteError, WritesTheOpenAiEnvelope) {
    EXPECT_EQ(
        body(ClientFormat::openai, ErrorKind::model_not_found, "The model 'x' does not exist"),
        R"({"error":{"message":"The model 'x' does not exist","type":"invalid_request_error",)"
        R"("param":null,"code":"model_not_found"}})");
    EXPECT_EQ(
        body(ClientFormat::openai, ErrorKind::upstream_error, "bad gateway"),
        R"({"error":{"message":"bad gateway","type":"server_error","param":null,"code":null}})");
    EXPECT_EQ(body(ClientFormat::openai, ErrorKind::authentication, "no key"),
              R"({"error":{"message":"no key","type":"invalid_request_error","param":null,)"
              R"("code":"invalid_api_key"}})");
    EXPECT_EQ(body(ClientFormat::openai, ErrorKind::quota_exceeded, "q"),
              R"({"error":{"message":"q","type":"insufficient_quota","param":null,)"
              R"("code":"insufficient_quota"}})");
}

TEST(WriteError, WritesTheAnthropicEnvelopeWithRequestId) {
    EXPECT_EQ(body(ClientFormat::anthropic, ErrorKind::overloaded, "Overloaded"),
              R"({"type":"error","error":{"type":"overloaded_error","message":"Overloaded"}})");
    EXPECT_EQ(body(ClientFormat::anthropic, ErrorKind::invalid_request, "bad", {"req_1", 0}),
              R"({"type":"error","error":{"type":"invalid_request_error","message":"bad"},)"
              R"("request_id":"req_1"})");
    EXPECT_EQ(body(ClientFormat::anthropic, ErrorKind::request_too_large, "big"),
              R"({"type":"error","error":{"type":"request_too_large","message":"big"}})");
}

TEST(WriteError, WritesTheGeminiEnvelopeWithRetryInfoOnlyForRateLimits) {
    EXPECT_EQ(body(ClientFormat::gemini, ErrorKind::model_not_found, "models/x is not found"),
              R"({"error":{"code":404,"message":"models/x is not found","status":"NOT_FOUND"}})");
    EXPECT_EQ(body(ClientFormat::gemini, ErrorKind::rate_limited, "slow down", {"", 34}),
              R"({"error":{"code":429,"message":"slow down","status":"RESOURCE_EXHAUSTED",)"
              R"("details":[{"@type":"type.googleapis.com/google.rpc.RetryInfo",)"
              R"("retryDelay":"34s"}]}})");
    EXPECT_EQ(body(ClientFormat::gemini, ErrorKind::internal, "x", {"", 34}),
              R"({"error":{"code":500,"message":"x","status":"INTERNAL"}})");
    EXPECT_EQ(body(ClientFormat::gemini, ErrorKind::request_too_large, "big"),
              R"({"error":{"code":400,"message":"big","status":"INVALID_ARGUMENT"}})");
}

TEST(WriteError, EscapesMessagesIntoValidJson) {
    const std::string message = "model \"a\\b\"\nnot found\t\x01 \xc3\xa9";
    simdjson::dom::parser parser;
    for (ClientFormat format :
         {ClientFormat::openai, ClientFormat::anthropic, ClientFormat::gemini}) {
        for (int k = 0; k <= static_cast<int>(ErrorKind::internal); ++k) {
            const auto kind = static_cast<ErrorKind>(k);
            const std::string json = body(format, kind, message, {"req_\"x", 5});
            simdjson::dom::element doc;
            ASSERT_EQ(parser.parse(json).get(doc), simdjson::SUCCESS) << json;
            std::string_view decoded;
            ASSERT_EQ(doc["error"]["message"].get(decoded), simdjson::SUCCESS) << json;
            EXPECT_EQ(decoded, message);
        }
    }
}

TEST(WriteStreamError, FramesTheErrorAsEachFormatsSseEvent) {
    ByteBuffer out;
    write_stream_error(ClientFormat::openai, 502, ErrorKind::upstream_error, "cut\noff", out);
    EXPECT_EQ(out.view(),
              "data: {\"error\":{\"message\":\"cut\\noff\",\"type\":\"server_error\","
              "\"param\":null,\"code\":null}}\n\n");
    out.clear();
    write_stream_error(ClientFormat::anthropic, 529, ErrorKind::overloaded, "Overloaded", out,
                       {"req_9", 0});
    EXPECT_EQ(out.view(),
              "event: error\ndata: {\"type\":\"error\",\"error\":{\"type\":\"overloaded_error\","
              "\"message\":\"Overloaded\"},\"request_id\":\"req_9\"}\n\n");
    out.clear();
    write_stream_error(ClientFormat::gemini, 503, ErrorKind::overloaded, "busy", out);
    EXPECT_EQ(
        out.view(),
        "data: {\"error\":{\"code\":503,\"message\":\"busy\",\"status\":\"UNAVAILABLE\"}}\n\n");
}

// A Responses stream's error is an `error` event continuing the stream's sequence numbers.
TEST(WriteStreamError, ResponsesStreamsGetAnErrorEventWithTheNextSequenceNumber) {
    ByteBuffer out;
    ErrorExtras extras{"req_9", 0};
    extras.responses_sequence = 7;
    write_stream_error(ClientFormat::openai, 504, ErrorKind::upstream_timeout, "stalled", out,
                       extras);
    EXPECT_EQ(out.view(),
              "event: error\ndata: {\"type\":\"error\",\"sequence_number\":7,"
              "\"code\":\"server_error\",\"message\":\"stalled\",\"param\":null}\n\n");
    out.clear();
    extras.responses_sequence = 0;
    write_stream_error(ClientFormat::openai, 429, ErrorKind::rate_limited, "slow", out, extras);
    EXPECT_NE(out.view().find("\"sequence_number\":0,\"code\":\"rate_limit_exceeded\""),
              std::string_view::npos)
        << out.view();
}

TEST(ErrorKindFor, MapsSidesAndCodes) {
    auto err = [](ErrorCode code, Side side) { return Error{code, side, false, 0, ""}; };
    EXPECT_EQ(error_kind_for(err(ErrorCode::timeout, Side::upstream)), ErrorKind::upstream_timeout);
    EXPECT_EQ(error_kind_for(err(ErrorCode::closed, Side::upstream)), ErrorKind::upstream_error);
    EXPECT_EQ(error_kind_for(err(ErrorCode::protocol, Side::upstream)), ErrorKind::upstream_error);
    EXPECT_EQ(error_kind_for(err(ErrorCode::invalid_argument, Side::downstream)),
              ErrorKind::invalid_request);
    EXPECT_EQ(error_kind_for(err(ErrorCode::too_large, Side::downstream)),
              ErrorKind::request_too_large);
    EXPECT_EQ(error_kind_for(err(ErrorCode::not_found, Side::downstream)), ErrorKind::not_found);
    EXPECT_EQ(error_kind_for(err(ErrorCode::resource, Side::internal)), ErrorKind::overloaded);
    EXPECT_EQ(error_kind_for(err(ErrorCode::io, Side::internal)), ErrorKind::internal);
}

TEST(ErrorKindName, NamesEveryKind) {
    EXPECT_EQ(error_kind_name(ErrorKind::invalid_request), "invalid_request");
    EXPECT_EQ(error_kind_name(ErrorKind::internal), "internal");
}

}  // namespace
}  // namespace rg::proxy
