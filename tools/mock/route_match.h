// Maps a request's method and path to a provider format and endpoint (and, for Gemini,
// the model named in the path). Pure function of the request; safe on any thread.
#pragma once

#include <string>
#include <string_view>

#include "mock/request.h"
#include "mock/types.h"

namespace rg::mock {

struct Route {
    Format format = Format::openai;
    Endpoint endpoint = Endpoint::unknown;
    std::string path_model;  // Gemini {model} or the {id} of a model lookup, decoded
};

Route match_route(const Request& req);

// The API key in the header (or query) the format uses; empty when absent. OpenAI:
// Authorization: Bearer; Anthropic: x-api-key or Bearer; Gemini: x-goog-api-key or ?key=.
std::string_view request_key(const Request& req, Format format);

}  // namespace rg::mock
