// Model objects and lists in each client format (wire-formats.md §5). The gateway lists
// the public names it routes (models entries without globs, and providers' `models`), so a
// client sees what it may ask for, not what one provider happens to serve.
#include "json/json_string.h"
#include "proxy/config.h"

namespace rg::proxy {
namespace {

// No creation date is known for a configured name: a fixed one, valid in every format.
constexpr std::string_view anthropic_created_at = "2025-01-01T00:00:00Z";

void write_anthropic_model(ByteBuffer& out, const ModelId& m) {
    out.append("{\"type\":\"model\",\"id\":");
    json::append_json_string(out, m.first);
    out.append(",\"display_name\":");
    json::append_json_string(out, m.first);
    out.append(",\"created_at\":\"");
    out.append(anthropic_created_at);
    out.append("\"}");
}

void write_gemini_model(ByteBuffer& out, const ModelId& m) {
    // Gemini names are "models/{id}". Configured ids are validated model names, but one
    // with a quote or backslash is still written as valid JSON: the prefix then goes into
    // displayName only.
    bool plain = m.first.find_first_of("\"\\") == std::string::npos;
    out.append("{\"name\":");
    if (plain) {
        out.append("\"models/");
        out.append(m.first);
        out.append("\"");
    } else {
        json::append_json_string(out, m.first);
    }
    out.append(",\"displayName\":");
    json::append_json_string(out, m.first);
    out.append(",\"supportedGenerationMethods\":[\"generateContent\",\"countTokens\"]}");
}

void write_openai_model(ByteBuffer& out, const ModelId& m) {
    out.append("{\"id\":");
    json::append_json_string(out, m.first);
    out.append(",\"object\":\"model\",\"created\":0,\"owned_by\":");
    json::append_json_string(out, m.second);
    out.append("}");
}

}  // namespace

void write_model(ByteBuffer& out, ClientFormat format, const ModelId& model) {
    switch (format) {
        case ClientFormat::anthropic:
            write_anthropic_model(out, model);
            return;
        case ClientFormat::gemini:
            write_gemini_model(out, model);
            return;
        case ClientFormat::openai:
            write_openai_model(out, model);
            return;
    }
}

void write_model_list(ByteBuffer& out, ClientFormat format, std::span<const ModelId> models) {
    switch (format) {
        case ClientFormat::anthropic:
            out.append("{\"data\":[");
            break;
        case ClientFormat::gemini:
            out.append("{\"models\":[");
            break;
        case ClientFormat::openai:
            out.append("{\"object\":\"list\",\"data\":[");
            break;
    }
    for (size_t i = 0; i < models.size(); ++i) {
        if (i > 0) {
            out.append(",");
        }
        write_model(out, format, models[i]);
    }
    out.append("]");
    if (format == ClientFormat::anthropic) {
        out.append(",\"has_more\":false,\"first_id\":");
        if (models.empty()) {
            out.append("null,\"last_id\":null");
        } else {
            json::append_json_string(out, models.front().first);
            out.append(",\"last_id\":");
            json::append_json_string(out, models.back().first);
        }
    }
    out.append("}");
}

}  // namespace rg::proxy
