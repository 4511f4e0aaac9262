// Anthropic Messages wire format: message bodies, the event stream (message_start ...
// message_stop, with a ping), count_tokens, model listing and the error envelope.
// Stateless functions; called on the worker that owns the request.
#pragma once

#include <memory>
#include <string_view>

#include "mock/answer.h"
#include "mock/dialect.h"
#include "mock/json_writer.h"

namespace rg::mock::anthropic {

void message_body(const Answer& a, JsonWriter& w);
void count_tokens_body(const Answer& a, JsonWriter& w);
void models_body(JsonWriter& w);
void model_body(std::string_view id, JsonWriter& w);
std::unique_ptr<StreamDialect> message_stream(const Answer& a);

// {"type":"error","error":{"type","message"},"request_id"}
void error_body(std::string_view type, std::string_view message, std::string_view request_id,
                JsonWriter& w);

}  // namespace rg::mock::anthropic
