// Upstream error answers in the client's format (wire-formats.md §3.1, §3.2, §3.4, §4.9 #23).
#include "translate/common.h"
#include "translate/translate.h"

namespace rg::translate {
namespace {

// What went wrong, on one scale; decides the client's status and error type.
enum class ErrorClass : uint8_t {
    invalid_request = 0,
    not_found,
    too_large,
    rate_limited,
    upstream_error,  // 5xx, and the gateway's own credentials refused (§4.9 #23)
    timeout,
    overloaded,
};

// Status and type names per class and client format (§3.4), as proxy/error_body writes
// them for the gateway's own errors.
struct ClassInfo {
    int openai_status;
    std::string_view openai_type;
    std::string_view openai_code;  // empty: null
    int anthropic_status;
    std::string_view anthropic_type;
    int gemini_status;
    std::string_view gemini_status_name;
};

constexpr ClassInfo classes[] = {
    {400, "invalid_request_error", "", 400, "invalid_request_error", 400, "INVALID_ARGUMENT"},
    {404, "invalid_request_error", "model_not_found", 404, "not_found_error", 404, "NOT_FOUND"},
    {413, "invalid_request_error", "", 413, "request_too_large", 400, "INVALID_ARGUMENT"},
    {429, "requests", "rate_limit_exceeded", 429, "rate_limit_error", 429, "RESOURCE_EXHAUSTED"},
    {502, "server_error", "", 500, "api_error", 500, "INTERNAL"},
    {504, "server_error", "", 504, "timeout_error", 504, "DEADLINE_EXCEEDED"},
    {503, "server_error", "", 529, "overloaded_error", 503, "UNAVAILABLE"},
};

constexpr std::string_view credentials_message =
    "the upstream provider rejected the gateway's credentials";

// The parts of an upstream envelope that matter here.
struct Envelope {
    std::string_view message;
    std::string_view type;         // OpenAI error.type, Anthropic error.type, Gemini error.status
    std::string_view code;         // OpenAI error.code
    std::string_view reason;       // Gemini ErrorInfo.reason
    std::string_view retry_delay;  // Gemini RetryInfo.retryDelay
};

// An optional string member: a value of another type leaves `out` empty; false when the
// document is broken and reading must stop.
bool read_string(od::value v, std::string_view* out) {
    bool is_string = false;
    if (soft(v.get_string().get(*out), &is_string) != simdjson::SUCCESS) {
        return false;
    }
    if (!is_string) {
        *out = {};
    }
    return true;
}

// False when the document is broken; what was read so far stays.
bool read_gemini_details(od::value& v, Envelope* e) {
    od::array details;
    if (v.get_array().get(details) != simdjson::SUCCESS) {
        return false;
    }
    for (auto item : details) {
        od::object d;
        if (item.get_object().get(d) != simdjson::SUCCESS) {
            return false;
        }
        for (auto f : d) {
            std::string_view key;
            od::value fv;
            if (f.unescaped_key().get(key) != simdjson::SUCCESS ||
                f.value().get(fv) != simdjson::SUCCESS) {
                return false;
            }
            if (key == "reason" && !read_string(fv, &e->reason)) {
                return false;
            }
            if (key == "retryDelay" && !read_string(fv, &e->retry_delay)) {
                return false;
            }
        }
    }
    return true;
}

// Reads {"error": {...}} (OpenAI, Gemini, Anthropic's inner object); the body may be
// Gemini's one-element array form (§3.1).
bool read_envelope(Arena& arena, std::string_view body, Envelope* e) {
    od::document doc;
    if (open_document(arena, body, &doc) != simdjson::SUCCESS) {
        return false;
    }
    od::value root;
    if (doc.get_value().get(root) != simdjson::SUCCESS) {
        return false;
    }
    od::json_type t;
    if (root.type().get(t) != simdjson::SUCCESS) {
        return false;
    }
    if (t == od::json_type::array) {
        od::array a;
        if (root.get_array().get(a) != simdjson::SUCCESS) {
            return false;
        }
        for (auto item : a) {
            if (item.get(root) != simdjson::SUCCESS) {
                return false;
            }
            break;
        }
    }
    od::object o;
    if (root.get_object().get(o) != simdjson::SUCCESS) {
        return false;
    }
    od::object err;
    if (o.find_field_unordered("error").get_object().get(err) != simdjson::SUCCESS) {
        return false;
    }
    for (auto f : err) {
        std::string_view key;
        if (f.unescaped_key().get(key) != simdjson::SUCCESS) {
            return false;
        }
        od::value v;
        if (f.value().get(v) != simdjson::SUCCESS) {
            return false;
        }
        bool intact = true;
        if (key == "message") {
            intact = read_string(v, &e->message);
        } else if (key == "type" || key == "status") {
            intact = read_string(v, &e->type);
        } else if (key == "code") {
            intact = read_string(v, &e->code);  // Gemini's is a number: left empty
        } else if (key == "details") {
            intact = read_gemini_details(v, e);
        }
        if (!intact) {
            return true;  // keep what the envelope said before the damage
        }
    }
    return true;
}

ErrorClass classify(int status, const Envelope& e) {
    if (e.reason == "API_KEY_INVALID" || status == 401 || status == 403 || status == 402 ||
        e.type == "authentication_error" || e.type == "permission_error" ||
        e.type == "billing_error") {
        return ErrorClass::upstream_error;  // the gateway's key problem, not the client's
    }
    if (e.type == "overloaded_error" || status == 529 || status == 503) {
        return ErrorClass::overloaded;
    }
    switch (status) {
        case 404:
            return ErrorClass::not_found;
        case 408:
        case 504:
            return ErrorClass::timeout;
        case 413:
            return ErrorClass::too_large;
        case 429:
            return ErrorClass::rate_limited;
        default:
            break;
    }
    if (status >= 500 || status == 409) {
        return ErrorClass::upstream_error;
    }
    return ErrorClass::invalid_request;
}

int write_envelope(Format to, ErrorClass c, std::string_view message, const Envelope& e,
                   bool context_length, ByteBuffer& out) {
    const ClassInfo& k = classes[static_cast<size_t>(c)];
    JsonWriter w(out);
    w.begin_object();
    if (to == Format::anthropic) {
        w.field("type", "error");
        w.key("error");
        w.begin_object();
        w.field("type", k.anthropic_type);
        w.field("message", message);
        w.end_object();
        w.end_object();
        return k.anthropic_status;
    }
    w.key("error");
    w.begin_object();
    if (to == Format::gemini) {
        w.field_uint("code", static_cast<uint64_t>(k.gemini_status));
        w.field("message", message);
        w.field("status", k.gemini_status_name);
        if (c == ErrorClass::rate_limited && !e.retry_delay.empty()) {
            w.key("details");
            w.begin_array();
            w.begin_object();
            w.field("@type", "type.googleapis.com/google.rpc.RetryInfo");
            w.field("retryDelay", e.retry_delay);
            w.end_object();
            w.end_array();
        }
        w.end_object();
        w.end_object();
        return k.gemini_status;
    }
    w.field("message", message);
    // OpenAI out of credit stays insufficient_quota: not retryable (§3.3).
    const bool quota = e.code == "insufficient_quota";
    w.field("type", quota ? std::string_view("insufficient_quota") : k.openai_type);
    w.key("param");
    w.null();
    w.key("code");
    if (quota) {
        w.string("insufficient_quota");
    } else if (!e.code.empty() && c == ErrorClass::invalid_request) {
        w.string(e.code);  // context_length_exceeded and friends keep their meaning
    } else if (context_length && c == ErrorClass::invalid_request) {
        w.string("context_length_exceeded");  // OpenAI's code for what the upstream said
    } else if (k.openai_code.empty()) {
        w.null();
    } else {
        w.string(k.openai_code);
    }
    w.end_object();
    w.end_object();
    return k.openai_status;
}

}  // namespace

int translate_error(Format from, Format to, int status, std::string_view body, Arena& arena,
                    ByteBuffer& out, bool context_length) {
    static_cast<void>(from);  // every envelope keeps its error object under "error"
    Envelope e;
    const bool parsed = read_envelope(arena, body, &e);
    const ErrorClass c = classify(status, e);
    std::string_view message = e.message;
    if (!parsed || message.empty()) {
        message = "the upstream provider answered with an error";
    }
    if (c == ErrorClass::upstream_error &&
        (status == 401 || status == 403 || status == 402 || e.reason == "API_KEY_INVALID")) {
        message = credentials_message;  // the upstream's words may describe the gateway's key
    }
    return write_envelope(to, c, message, e, context_length, out);
}

}  // namespace rg::translate
