#include "mock/route_match.h"

namespace rg::mock {
namespace {

bool starts_with(std::string_view s, std::string_view prefix) {
    return s.substr(0, prefix.size()) == prefix;
}

Endpoint gemini_method(std::string_view method) {
    if (method == "generateContent") {
        return Endpoint::gemini_generate;
    }
    if (method == "streamGenerateContent") {
        return Endpoint::gemini_stream;
    }
    if (method == "countTokens") {
        return Endpoint::gemini_count_tokens;
    }
    if (method == "embedContent") {
        return Endpoint::gemini_embed;
    }
    if (method == "batchEmbedContents") {
        return Endpoint::gemini_batch_embed;
    }
    return Endpoint::unknown;
}

// `rest` is the path after "/v1beta/" (or "/v1/" for a colon method).
Route match_gemini(std::string_view method, std::string_view rest) {
    Route r;
    r.format = Format::gemini;
    if (rest == "models") {
        r.endpoint = method == "GET" ? Endpoint::gemini_models : Endpoint::unknown;
        return r;
    }
    if (!starts_with(rest, "models/")) {
        return r;
    }
    std::string_view name = rest.substr(7);
    size_t colon = name.rfind(':');
    if (colon == std::string_view::npos) {
        r.path_model = percent_decode(name);
        r.endpoint = method == "GET" ? Endpoint::gemini_model : Endpoint::unknown;
        return r;
    }
    r.path_model = percent_decode(name.substr(0, colon));
    r.endpoint = method == "POST" ? gemini_method(name.substr(colon + 1)) : Endpoint::unknown;
    return r;
}

Route match_v1(const Request& req, std::string_view method, std::string_view path) {
    Route r;
    if (starts_with(path, "/v1/messages")) {
        r.format = Format::anthropic;
        if (method == "POST" && path == "/v1/messages") {
            r.endpoint = Endpoint::anthropic_messages;
        } else if (method == "POST" && path == "/v1/messages/count_tokens") {
            r.endpoint = Endpoint::anthropic_count_tokens;
        }
        return r;
    }
    if (path == "/v1/models" || starts_with(path, "/v1/models/")) {
        // Shared by OpenAI and Anthropic: Anthropic clients always send these headers.
        bool anthropic =
            !req.header("anthropic-version").empty() || !req.header("x-api-key").empty();
        r.format = anthropic ? Format::anthropic : Format::openai;
        if (method == "GET" && path == "/v1/models") {
            r.endpoint = anthropic ? Endpoint::anthropic_models : Endpoint::openai_models;
        } else if (method == "GET" && path.size() > 11) {
            r.path_model = percent_decode(path.substr(11));
            r.endpoint = anthropic ? Endpoint::anthropic_model : Endpoint::openai_model;
        }
        return r;
    }
    struct Fixed {
        std::string_view path;
        Endpoint endpoint;
    };
    static constexpr Fixed kOpenAi[] = {
        {"/v1/chat/completions", Endpoint::openai_chat},
        {"/v1/completions", Endpoint::openai_completions},
        {"/v1/embeddings", Endpoint::openai_embeddings},
        {"/v1/responses", Endpoint::openai_responses},
    };
    for (const Fixed& f : kOpenAi) {
        if (path == f.path && method == "POST") {
            r.endpoint = f.endpoint;
        }
    }
    return r;
}

}  // namespace

Route match_route(const Request& req) {
    std::string_view path = req.path();
    std::string_view method = req.method();
    if (starts_with(path, "/v1beta/")) {
        return match_gemini(method, path.substr(8));
    }
    // Gemini also serves v1; its generation paths carry a ":method" suffix.
    if (starts_with(path, "/v1/models/") && path.find(':') != std::string_view::npos) {
        return match_gemini(method, path.substr(4));
    }
    return match_v1(req, method, path);
}

std::string_view bearer_token(const Request& req) {
    std::string_view auth = req.header("authorization");
    if (auth.size() > 7 && (auth[0] | 0x20) == 'b' && (auth[1] | 0x20) == 'e' &&
        (auth[2] | 0x20) == 'a' && (auth[3] | 0x20) == 'r' && (auth[4] | 0x20) == 'e' &&
        (auth[5] | 0x20) == 'r' && auth[6] == ' ') {
        return auth.substr(7);
    }
    return {};
}

std::string_view request_key(const Request& req, Format format) {
    switch (format) {
        case Format::openai:
            return bearer_token(req);
        case Format::anthropic: {
            // The API takes x-api-key or a bearer token; @anthropic-ai/sdk 1.x sends the
            // latter even for API keys.
            std::string_view key = req.header("x-api-key");
            return key.empty() ? bearer_token(req) : key;
        }
        case Format::gemini: {
            std::string_view key = req.header("x-goog-api-key");
            return key.empty() ? query_param(req.query(), "key") : key;
        }
    }
    return {};
}

}  // namespace rg::mock
