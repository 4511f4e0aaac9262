// Dispatch to the per-format halves, and the mapping tables (wire-formats.md §4.4).
#include "translate/translate.h"

#include "translate/common.h"
#include "translate/formats.h"

namespace rg::translate {

Result<void> parse_request(Format format, std::string_view body, const ParseOptions& options,
                           Arena& arena, Request* out) {
    switch (format) {
        case Format::openai_chat:
            return parse_openai_chat_request(body, arena, out);
        case Format::openai_responses:
            return parse_responses_request(body, arena, out);
        case Format::anthropic:
            return parse_anthropic_request(body, arena, out);
        case Format::gemini:
            return parse_gemini_request(body, options, arena, out);
    }
    return bad_input(Side::internal, "unknown format");
}

Result<void> emit_request(Format format, const Request& request, const EmitOptions& options,
                          Arena& arena, ByteBuffer& out) {
    switch (format) {
        case Format::openai_chat:
            return emit_openai_chat_request(request, options, arena, out);
        case Format::openai_responses:
            return emit_responses_request(request, options, arena, out);
        case Format::anthropic:
            return emit_anthropic_request(request, options, arena, out);
        case Format::gemini:
            return emit_gemini_request(request, options, arena, out);
    }
    return bad_input(Side::internal, "unknown format");
}

Result<void> parse_response(Format format, std::string_view body, Arena& arena, Response* out) {
    switch (format) {
        case Format::openai_chat:
            return parse_openai_chat_response(body, arena, out);
        case Format::openai_responses:
            return parse_responses_response(body, arena, out);
        case Format::anthropic:
            return parse_anthropic_response(body, arena, out);
        case Format::gemini:
            return parse_gemini_response(body, arena, out);
    }
    return bad_input(Side::internal, "unknown format");
}

Result<void> emit_response(Format format, const Response& response, const ResponseOptions& options,
                           Arena& arena, ByteBuffer& out) {
    switch (format) {
        case Format::openai_chat:
            return emit_openai_chat_response(response, options, arena, out);
        case Format::openai_responses:
            return emit_responses_response(response, options, arena, out);
        case Format::anthropic:
            return emit_anthropic_response(response, options, arena, out);
        case Format::gemini:
            return emit_gemini_response(response, options, arena, out);
    }
    return bad_input(Side::internal, "unknown format");
}

std::string_view openai_finish_reason(FinishReason reason) {
    switch (reason) {
        case FinishReason::length:
            return "length";
        case FinishReason::tool_calls:
            return "tool_calls";
        case FinishReason::content_filter:
            return "content_filter";
        default:
            return "stop";  // stop_sequence, pause_turn (§4.4 #25), unset
    }
}

std::string_view anthropic_stop_reason(FinishReason reason) {
    switch (reason) {
        case FinishReason::stop_sequence:
            return "stop_sequence";
        case FinishReason::length:
            return "max_tokens";
        case FinishReason::tool_calls:
            return "tool_use";
        case FinishReason::content_filter:
            return "refusal";
        case FinishReason::pause_turn:
            return "pause_turn";
        default:
            return "end_turn";
    }
}

std::string_view gemini_finish_reason(FinishReason reason) {
    switch (reason) {
        case FinishReason::length:
            return "MAX_TOKENS";
        case FinishReason::content_filter:
            return "SAFETY";
        default:
            return "STOP";  // tool calls too: the functionCall parts carry the meaning
    }
}

FinishReason finish_from_openai(std::string_view r) {
    if (r == "length") {
        return FinishReason::length;
    }
    if (r == "tool_calls" || r == "function_call") {
        return FinishReason::tool_calls;
    }
    if (r == "content_filter") {
        return FinishReason::content_filter;
    }
    return FinishReason::stop;
}

FinishReason finish_from_anthropic(std::string_view r) {
    if (r == "stop_sequence") {
        return FinishReason::stop_sequence;
    }
    if (r == "max_tokens" || r == "model_context_window_exceeded") {
        return FinishReason::length;
    }
    if (r == "tool_use") {
        return FinishReason::tool_calls;
    }
    if (r == "refusal") {
        return FinishReason::content_filter;
    }
    if (r == "pause_turn") {
        return FinishReason::pause_turn;
    }
    return FinishReason::stop;
}

FinishReason finish_from_gemini(std::string_view r) {
    if (r == "MAX_TOKENS") {
        return FinishReason::length;
    }
    static constexpr std::string_view filtered[] = {
        "SAFETY",
        "RECITATION",
        "BLOCKLIST",
        "PROHIBITED_CONTENT",
        "SPII",
        "LANGUAGE",
        "IMAGE_SAFETY",
        "IMAGE_PROHIBITED_CONTENT",
        "IMAGE_RECITATION",
    };
    for (std::string_view f : filtered) {
        if (r == f) {
            return FinishReason::content_filter;
        }
    }
    // STOP, OTHER, MALFORMED_FUNCTION_CALL, UNEXPECTED_TOOL_CALL, ...: a stop; tool calls are
    // decided from the parts, not from the reason (§4.9 #6).
    return FinishReason::stop;
}

int64_t effort_budget_tokens(Effort effort) {
    switch (effort) {
        case Effort::none:
            return 0;
        case Effort::minimal:
            return 512;
        case Effort::low:
            return 1024;
        case Effort::unset:
        case Effort::medium:
            return 4096;
        case Effort::high:
            return 16384;
        case Effort::max:
            return 32768;
    }
    return 4096;
}

Effort effort_for_budget(int64_t budget) {
    if (budget < 0) {
        return Effort::medium;  // dynamic
    }
    if (budget == 0) {
        return Effort::none;
    }
    if (budget <= 1024) {
        return Effort::low;
    }
    if (budget <= 8192) {
        return Effort::medium;
    }
    return Effort::high;
}

}  // namespace rg::translate
