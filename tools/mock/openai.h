// OpenAI wire format (Chat Completions, legacy Completions, Embeddings, Models, and the
// Responses API in openai_responses.cc): reply bodies, stream dialects and the error
// envelope. Stateless functions; called on the worker that owns the request.
#pragma once

#include <memory>
#include <string_view>

#include "mock/answer.h"
#include "mock/dialect.h"
#include "mock/json_writer.h"

namespace rg::mock::openai {

void chat_body(const Answer& a, JsonWriter& w);
void completions_body(const Answer& a, JsonWriter& w);
void embeddings_body(const Answer& a, JsonWriter& w);
void models_body(JsonWriter& w);
void model_body(std::string_view id, JsonWriter& w);
void responses_body(const Answer& a, JsonWriter& w);

std::unique_ptr<StreamDialect> chat_stream(const Answer& a);
std::unique_ptr<StreamDialect> completions_stream(const Answer& a);
std::unique_ptr<StreamDialect> responses_stream(const Answer& a);

// {"error":{"message","type","param","code"}}; empty param/code are written as null.
void error_body(std::string_view message, std::string_view type, std::string_view param,
                std::string_view code, JsonWriter& w);

const char* finish_reason(const Answer& a);

}  // namespace rg::mock::openai
