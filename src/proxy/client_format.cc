#include "proxy/client_format.h"

#include <algorithm>

namespace rg::proxy {
namespace {

using http::Method;

struct FixedRoute {
    std::string_view path;
    Method method;
    Route route;
    ClientFormat format;
};

// Routes whose path is a constant. GET /v1/models is decided by headers (match_models).
constexpr FixedRoute fixed_routes[] = {
    {"/v1/chat/completions", Method::post, Route::chat_completions, ClientFormat::openai},
    {"/v1/completions", Method::post, Route::completions, ClientFormat::openai},
    {"/v1/embeddings", Method::post, Route::embeddings, ClientFormat::openai},
    {"/v1/responses", Method::post, Route::responses, ClientFormat::openai},
    {"/v1/messages", Method::post, Route::anthropic_messages, ClientFormat::anthropic},
    {"/v1/messages/count_tokens", Method::post, Route::anthropic_count_tokens,
     ClientFormat::anthropic},
    {"/v1beta/models", Method::get, Route::gemini_models, ClientFormat::gemini},
    {"/health", Method::get, Route::health, ClientFormat::openai},
};

// Gemini puts the model and the method in one segment, glued by a colon:
// /v1beta/models/gemini-2.5-flash:generateContent (wire-formats.md §1.3).
constexpr std::string_view gemini_models_prefix = "/v1beta/models/";

RouteMatch known(Route route, ClientFormat format, Method expected, const http::RequestHead& h) {
    RouteMatch m;
    m.route = route;
    m.format = format;
    m.method_allowed = h.method == expected;
    m.allow = expected == Method::get ? "GET" : "POST";
    return m;
}

bool starts_with(std::string_view s, std::string_view prefix) {
    return s.substr(0, prefix.size()) == prefix;
}

ClientFormat guess_format(const http::RequestHead& head) {
    if (starts_with(head.path, "/v1beta/")) {
        return ClientFormat::gemini;
    }
    if (starts_with(head.path, "/v1/messages") || has_anthropic_headers(head)) {
        return ClientFormat::anthropic;
    }
    if (!head.find("x-goog-api-key").empty()) {
        return ClientFormat::gemini;
    }
    return ClientFormat::openai;
}

RouteMatch not_found(const http::RequestHead& head) {
    RouteMatch m;
    m.format = guess_format(head);
    return m;
}

// The last `alt` query parameter is "sse".
bool alt_is_sse(std::string_view query) {
    bool sse = false;
    while (!query.empty()) {
        const size_t amp = query.find('&');
        const std::string_view param = query.substr(0, amp);
        if (starts_with(param, "alt=")) {
            sse = param.substr(4) == "sse";
        }
        query = amp == std::string_view::npos ? std::string_view() : query.substr(amp + 1);
    }
    return sse;
}

RouteMatch match_gemini_action(const http::RequestHead& head, std::string_view model,
                               std::string_view action) {
    Route route = Route::not_found;
    if (action == "generateContent") {
        route = Route::gemini_generate;
    } else if (action == "streamGenerateContent") {
        route = Route::gemini_stream_generate;
    } else if (action == "countTokens") {
        route = Route::gemini_count_tokens;
    } else if (action == "embedContent") {
        route = Route::gemini_embed;
    } else if (action == "batchEmbedContents") {
        route = Route::gemini_batch_embed;
    } else {
        return not_found(head);  // batchGenerateContent, predict, ...: not served
    }
    RouteMatch m = known(route, ClientFormat::gemini, Method::post, head);
    m.model = model;
    m.stream = route == Route::gemini_stream_generate;
    m.sse = m.stream && alt_is_sse(head.query);
    return m;
}

// `rest` is the path after "/v1beta/models/": "{model}" or "{model}:{action}". The model is
// split off at the last colon, since tuned-model ids may contain colons themselves.
RouteMatch match_gemini_model(const http::RequestHead& head, std::string_view rest) {
    if (rest.empty() || rest.find('/') != std::string_view::npos) {
        return not_found(head);
    }
    const size_t colon = rest.rfind(':');
    if (colon == std::string_view::npos) {
        RouteMatch m = known(Route::gemini_model_get, ClientFormat::gemini, Method::get, head);
        m.model = rest;
        return m;
    }
    if (colon == 0) {
        return not_found(head);
    }
    return match_gemini_action(head, rest.substr(0, colon), rest.substr(colon + 1));
}

// GET /v1/models serves both OpenAI and Anthropic SDKs: the Anthropic SDK always sends
// anthropic-version, and x-api-key is its auth header (config.md, endpoints).
RouteMatch match_models(const http::RequestHead& head) {
    if (has_anthropic_headers(head)) {
        return known(Route::anthropic_models, ClientFormat::anthropic, Method::get, head);
    }
    return known(Route::models, ClientFormat::openai, Method::get, head);
}

}  // namespace

bool has_anthropic_headers(const http::RequestHead& head) {
    return !head.find("anthropic-version").empty() || !head.find("x-api-key").empty();
}

RouteMatch match_route(const http::RequestHead& head) {
    const std::string_view path = head.path;
    if (path == "/v1/models") {
        return match_models(head);
    }
    for (const FixedRoute& r : fixed_routes) {
        if (path == r.path) {
            return known(r.route, r.format, r.method, head);
        }
    }
    constexpr std::string_view openai_model_prefix = "/v1/models/";
    const std::string_view id = path.substr(std::min(path.size(), openai_model_prefix.size()));
    if (starts_with(path, openai_model_prefix) && id.find(':') != std::string_view::npos) {
        // Gemini's stable version: /v1/models/{model}:{action} (@google/genai 3 calls it).
        return match_gemini_model(head, id);
    }
    if (starts_with(path, openai_model_prefix) && !id.empty() &&
        id.find_first_of(":/") == std::string_view::npos) {
        RouteMatch m = known(Route::model_get, ClientFormat::openai, Method::get, head);
        m.model = id;
        return m;
    }
    if (starts_with(path, gemini_models_prefix)) {
        return match_gemini_model(head, path.substr(gemini_models_prefix.size()));
    }
    return not_found(head);
}

std::string_view route_name(Route route) {
    switch (route) {
        case Route::chat_completions:
            return "chat_completions";
        case Route::completions:
            return "completions";
        case Route::embeddings:
            return "embeddings";
        case Route::responses:
            return "responses";
        case Route::models:
            return "models";
        case Route::model_get:
            return "model_get";
        case Route::anthropic_messages:
            return "anthropic_messages";
        case Route::anthropic_count_tokens:
            return "anthropic_count_tokens";
        case Route::anthropic_models:
            return "anthropic_models";
        case Route::gemini_generate:
            return "gemini_generate";
        case Route::gemini_stream_generate:
            return "gemini_stream_generate";
        case Route::gemini_count_tokens:
            return "gemini_count_tokens";
        case Route::gemini_embed:
            return "gemini_embed";
        case Route::gemini_batch_embed:
            return "gemini_batch_embed";
        case Route::gemini_models:
            return "gemini_models";
        case Route::gemini_model_get:
            return "gemini_model_get";
        case Route::health:
            return "health";
        case Route::not_found:
            break;
    }
    return "not_found";
}

std::string_view client_format_name(ClientFormat format) {
    switch (format) {
        case ClientFormat::openai:
            return "openai";
        case ClientFormat::anthropic:
            return "anthropic";
        case ClientFormat::gemini:
            break;
    }
    return "gemini";
}

}  // namespace rg::proxy
