// Internal to src/translate: the per-format halves that translate.cc dispatches to.
#pragma once

#include <string_view>

#include "base/byte_buffer.h"
#include "base/result.h"
#include "translate/translate.h"

namespace rg::translate {

Result<void> parse_openai_chat_request(std::string_view body, Arena& arena, Request* out);
Result<void> emit_openai_chat_request(const Request& request, const EmitOptions& options,
                                      Arena& arena, ByteBuffer& out);
Result<void> parse_openai_chat_response(std::string_view body, Arena& arena, Response* out);
Result<void> emit_openai_chat_response(const Response& response, const ResponseOptions& options,
                                       Arena& arena, ByteBuffer& out);

Result<void> parse_anthropic_request(std::string_view body, Arena& arena, Request* out);
Result<void> emit_anthropic_request(const Request& request, const EmitOptions& options,
                                    Arena& arena, ByteBuffer& out);
Result<void> parse_anthropic_response(std::string_view body, Arena& arena, Response* out);
Result<void> emit_anthropic_response(const Response& response, const ResponseOptions& options,
                                     Arena& arena, ByteBuffer& out);

Result<void> parse_gemini_request(std::string_view body, const ParseOptions& options, Arena& arena,
                                  Request* out);
Result<void> emit_gemini_request(const Request& request, const EmitOptions& options, Arena& arena,
                                 ByteBuffer& out);
Result<void> parse_gemini_response(std::string_view body, Arena& arena, Response* out);
Result<void> emit_gemini_response(const Response& response, const ResponseOptions& options,
                                  Arena& arena, ByteBuffer& out);

Result<void> parse_responses_request(std::string_view body, Arena& arena, Request* out);
Result<void> emit_responses_request(const Request& request, const EmitOptions& options,
                                    Arena& arena, ByteBuffer& out);
Result<void> parse_responses_response(std::string_view body, Arena& arena, Response* out);
Result<void> emit_responses_response(const Response& response, const ResponseOptions& options,
                                     Arena& arena, ByteBuffer& out);

}  // namespace rg::translate
