// Client formats and routes: which API a request speaks (OpenAI, Anthropic, Gemini) and which
// endpoint of it, from the request line and headers alone. Pure functions over a RequestHead:
// any thread, no allocation; the views in a RouteMatch point into the head.
#pragma once

#include <cstdint>
#include <string_view>

#include "http/request_head.h"

namespace rg::proxy {

// The wire format a client speaks; errors answer in it (wire-formats.md §3.4).
enum class ClientFormat : uint8_t { openai = 0, anthropic = 1, gemini = 2 };

// Endpoints on server.listen (config.md, "Endpoints on server.listen").
enum class Route : uint8_t {
    chat_completions = 0,    // POST /v1/chat/completions
    completions,             // POST /v1/completions
    embeddings,              // POST /v1/embeddings
    responses,               // POST /v1/responses
    models,                  // GET /v1/models (OpenAI)
    model_get,               // GET /v1/models/{id} (OpenAI)
    anthropic_messages,      // POST /v1/messages
    anthropic_count_tokens,  // POST /v1/messages/count_tokens
    anthropic_models,        // GET /v1/models with anthropic-version or x-api-key
    gemini_generate,         // POST /v1beta/models/{model}:generateContent
    gemini_stream_generate,  // POST /v1beta/models/{model}:streamGenerateContent[?alt=sse]
    gemini_count_tokens,     // POST /v1beta/models/{model}:countTokens
    gemini_embed,            // POST /v1beta/models/{model}:embedContent
    gemini_batch_embed,      // POST /v1beta/models/{model}:batchEmbedContents
    gemini_models,           // GET /v1beta/models
    gemini_model_get,        // GET /v1beta/models/{model}
    health,                  // GET /health
    not_found,
};

struct RouteMatch {
    Route route = Route::not_found;
    // The route's format; for not_found a guess from the path prefix and auth headers, so
    // the 404 still answers in a shape the client understands.
    ClientFormat format = ClientFormat::openai;
    // False when the path is known but the method is not the route's (answer 405 with
    // `Allow: <allow>`). HEAD is not folded into GET here.
    bool method_allowed = false;
    std::string_view allow;  // "GET" or "POST"; empty for not_found
    // Gemini: the model id from the path ("gemini-2.5-flash"), as sent (not percent-decoded).
    std::string_view model;
    bool stream = false;  // gemini_stream_generate
    bool sse = false;     // ... with ?alt=sse; without it the answer is a streamed JSON array
};

RouteMatch match_route(const http::RequestHead& head);

// Gemini routes that name the model in the path.
inline bool is_gemini_model_route(Route r) {
    return r == Route::gemini_generate || r == Route::gemini_stream_generate ||
           r == Route::gemini_count_tokens || r == Route::gemini_embed ||
           r == Route::gemini_batch_embed;
}
inline bool is_embeddings_route(Route r) {
    return r == Route::embeddings || r == Route::gemini_embed || r == Route::gemini_batch_embed;
}
inline bool is_count_tokens_route(Route r) {
    return r == Route::anthropic_count_tokens || r == Route::gemini_count_tokens;
}
// Routes translated by their own translators (proxy_endpoints.cc), not the chat IR's.
inline bool has_own_translator(Route r) {
    return is_embeddings_route(r) || is_count_tokens_route(r) || r == Route::completions;
}

std::string_view route_name(Route route);
std::string_view client_format_name(ClientFormat format);

// True when the request's headers mark an Anthropic client (anthropic-version or x-api-key).
bool has_anthropic_headers(const http::RequestHead& head);

}  // namespace rg::proxy
