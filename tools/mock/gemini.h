// Gemini API wire format: generateContent bodies, streamGenerateContent in both its SSE
// (alt=sse) and JSON-array forms, countTokens, embeddings, model listing, the blocked-
// prompt reply and the error envelope. Stateless; called on the owning worker.
#pragma once

#include <memory>
#include <string_view>

#include "mock/answer.h"
#include "mock/dialect.h"
#include "mock/json_writer.h"

namespace rg::mock::gemini {

void generate_body(const Answer& a, JsonWriter& w);
void blocked_body(const Answer& a, JsonWriter& w);  // promptFeedback.blockReason SAFETY
void count_tokens_body(const Answer& a, JsonWriter& w);
void embed_body(const Answer& a, JsonWriter& w);
void batch_embed_body(const Answer& a, JsonWriter& w);
void models_body(JsonWriter& w);
void model_body(std::string_view id, JsonWriter& w);
std::unique_ptr<StreamDialect> generate_stream(const Answer& a);

// {"error":{"code","message","status","details":[...]}}; `details` is a raw JSON array or
// empty for none.
void error_body(uint16_t code, std::string_view status, std::string_view message,
                std::string_view details, JsonWriter& w);

}  // namespace rg::mock::gemini
