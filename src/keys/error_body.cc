#include "keys/error_body.h"

#include <simdjson.h>

#include <algorithm>
#include <bit>
#include <cstring>
#include <memory>

#include "keys/wire_time.h"

namespace rg::keys {
namespace {

namespace od = simdjson::ondemand;

constexpr size_t padding_bytes = simdjson::SIMDJSON_PADDING;
// Smallest parser and scratch capacity; grown in powers of two up to error_body_bytes_max
// (plus repair bytes), so a thread reallocates at most five times in its life.
constexpr size_t buffer_bytes_min = 4096;
static_assert(std::has_single_bit(error_body_bytes_max) && error_body_bytes_max >= 4096);

// Open arrays and objects a cut body may leave that are closed for reading; deeper
// nesting is not repaired (error envelopes nest 5 deep).
constexpr size_t repair_depth_max = 32;
// Bytes a repair may append: a closing quote and one closer per open level.
constexpr size_t repair_bytes_max = repair_depth_max + 1;

char closer_for(char open) {
    return open == '{' ? '}' : open == '[' ? ']' : '\0';
}

char first_non_space(std::string_view s) {
    size_t i = s.find_first_not_of(" \t\r\n");
    return i == std::string_view::npos ? '\0' : s[i];
}

char last_non_space(std::string_view s) {
    size_t i = s.find_last_not_of(" \t\r\n");
    return i == std::string_view::npos ? '\0' : s[i];
}

// A body cut short (by the caller's 64 KiB limit, or by the upstream) would be rejected
// whole: simdjson refuses an unclosed string, and a root whose last byte does not close
// it. Closing the open string and brackets lets On-Demand read the fields before the cut;
// it stops with an error where the cut was. Returns the new length (at most
// repair_bytes_max more); `buf` has room for it.
size_t close_truncated(char* buf, size_t len) {
    const std::string_view body(buf, len);
    const char open = first_non_space(body);
    if (closer_for(open) == '\0' || last_non_space(body) == closer_for(open)) {
        return len;  // not a container, or it ends as it began: parse as is
    }
    char closers[repair_depth_max];
    size_t depth = 0;
    bool in_string = false;
    bool escaped = false;
    for (char c : body) {
        if (escaped) {
            escaped = false;
        } else if (in_string) {
            escaped = c == '\\';
            in_string = c != '"';
        } else if (c == '"') {
            in_string = true;
        } else if (c == '{' || c == '[') {
            if (depth == repair_depth_max) {
                return len;
            }
            closers[depth++] = closer_for(c);
        } else if ((c == '}' || c == ']') && depth > 0) {
            --depth;
        }
    }
    size_t out = len;
    if (in_string) {
        out -= escaped ? 1 : 0;  // a lone backslash would escape the closing quote
        buf[out++] = '"';
    }
    while (depth > 0) {
        buf[out++] = closers[--depth];
    }
    return out;
}

// simdjson reads padding_bytes past the document and the caller's buffer promises none,
// so bodies are copied (at most error_body_bytes_max) into a thread's padded scratch.
class BodyReader {
  public:
    // Starts a document over the first error_body_bytes_max bytes of `body`.
    bool begin(std::string_view body, od::document* doc) {
        size_t len = std::min(body.size(), error_body_bytes_max);
        if (len == 0 || !reserve(len + repair_bytes_max)) {
            return false;
        }
        std::memcpy(scratch_.get(), body.data(), len);
        len = close_truncated(scratch_.get(), len);
        std::memset(scratch_.get() + len, 0, padding_bytes);
        return parser_.iterate(scratch_.get(), len, len + padding_bytes).get(*doc) ==
               simdjson::SUCCESS;
    }

  private:
    bool reserve(size_t len) {
        if (parser_.capacity() >= len && scratch_bytes_ >= len + padding_bytes) {
            return true;
        }
        const size_t capacity = std::min(std::bit_ceil(std::max(len, buffer_bytes_min)),
                                         error_body_bytes_max + repair_bytes_max);
        if (parser_.allocate(capacity) != simdjson::SUCCESS) {
            return false;
        }
        scratch_.reset(new char[capacity + padding_bytes]);
        scratch_bytes_ = capacity + padding_bytes;
        return true;
    }

    od::parser parser_;
    std::unique_ptr<char[]> scratch_;
    size_t scratch_bytes_ = 0;
};

BodyReader& thread_reader() {
    thread_local BodyReader reader;
    return reader;
}

bool ends_with(std::string_view s, std::string_view suffix) {
    return s.size() >= suffix.size() && s.substr(s.size() - suffix.size()) == suffix;
}

char lower(char c) {
    return c >= 'A' && c <= 'Z' ? static_cast<char>(c + 32) : c;
}

// A string value into *out; other types are left alone (and skipped by the iterator).
// False on a JSON error: reading stops there and keeps what it has.
bool read_string(od::value& value, std::string_view* out) {
    od::json_type type;
    if (value.type().get(type) != simdjson::SUCCESS) {
        return false;
    }
    if (type != od::json_type::string) {
        return true;
    }
    return value.get_string().get(*out) == simdjson::SUCCESS;
}

// Iterates an object's fields: on_field(key, value) returns false to stop.
template <typename OnField>
bool for_each_field(od::object object, OnField on_field) {
    for (auto result : object) {
        od::field field;
        std::string_view key;
        if (std::move(result).get(field) != simdjson::SUCCESS ||
            field.unescaped_key().get(key) != simdjson::SUCCESS || !on_field(key, field.value())) {
            return false;
        }
    }
    return true;
}

// Calls on_object(object) for each element of an array value that is an object.
template <typename OnObject>
bool for_each_object(od::value& value, OnObject on_object) {
    od::array array;
    if (value.get_array().get(array) != simdjson::SUCCESS) {
        return false;
    }
    for (auto result : array) {
        od::value element;
        od::json_type type;
        if (std::move(result).get(element) != simdjson::SUCCESS ||
            element.type().get(type) != simdjson::SUCCESS) {
            return false;
        }
        od::object object;
        if (type == od::json_type::object &&
            (element.get_object().get(object) != simdjson::SUCCESS || !on_object(object))) {
            return false;
        }
    }
    return true;
}

bool is_array(od::value& value) {
    od::json_type type;
    return value.type().get(type) == simdjson::SUCCESS && type == od::json_type::array;
}

bool is_object(od::value& value) {
    od::json_type type;
    return value.type().get(type) == simdjson::SUCCESS && type == od::json_type::object;
}

// QuotaFailure.violations[]: a quotaId such as "GenerateRequestsPerDayPerProjectPerModel".
bool read_violations(od::value& value, bool* per_day) {
    return for_each_object(value, [&](od::object violation) {
        return for_each_field(violation, [&](std::string_view key, od::value& v) {
            std::string_view id;
            if (key != "quotaId") {
                return true;
            }
            bool ok = read_string(v, &id);
            *per_day = *per_day || contains_ci(id, "perday");
            return ok;
        });
    });
}

// One element of Gemini's error.details[], judged by its @type once all fields are read
// (JSON objects are unordered).
bool read_detail(od::object detail, ErrorFacts* f) {
    std::string_view at_type;
    std::string_view reason;
    std::string_view retry_delay;
    bool per_day = false;
    bool ok = for_each_field(detail, [&](std::string_view key, od::value& v) {
        if (key == "@type") {
            return read_string(v, &at_type);
        }
        if (key == "reason") {
            return read_string(v, &reason);
        }
        if (key == "retryDelay") {
            return read_string(v, &retry_delay);
        }
        if (key == "violations" && is_array(v)) {
            return read_violations(v, &per_day);
        }
        return true;
    });
    if (ends_with(at_type, "google.rpc.RetryInfo") && !retry_delay.empty()) {
        // Protobuf Duration JSON ("34s", "1.5s") is a subset of Go durations.
        f->retry_delay_ns = parse_go_duration_ns(retry_delay);
    } else if (ends_with(at_type, "google.rpc.ErrorInfo")) {
        f->api_key_invalid = f->api_key_invalid || reason.starts_with("API_KEY_");
    } else if (ends_with(at_type, "google.rpc.QuotaFailure")) {
        f->per_day_quota = f->per_day_quota || per_day;
    }
    return ok;
}

// The error object of all three envelopes: OpenAI {message,type,param,code}, Anthropic
// {type,message}, Gemini {code,message,status,details}.
bool read_error_object(od::object error, ErrorFacts* f) {
    return for_each_field(error, [&](std::string_view key, od::value& v) {
        if (key == "message") {
            return read_string(v, &f->message);
        }
        if (key == "type") {
            return read_string(v, &f->type);
        }
        if (key == "code") {
            return read_string(v, &f->code);  // Gemini's numeric code repeats the status
        }
        if (key == "status") {
            return read_string(v, &f->status);
        }
        if (key == "details" && is_array(v)) {
            return for_each_object(v, [&](od::object d) { return read_detail(d, f); });
        }
        return true;
    });
}

// The top-level object: {"error":{...}} (Anthropic adds "type":"error"), {"error":"text"},
// or, from some OpenAI-compatible servers, the fields at the top ({"object":"error",
// "message":...,"type":...,"code":...}); those count only without an error object.
void read_top(od::object top, ErrorFacts* f) {
    ErrorFacts flat;
    bool nested = false;
    for_each_field(top, [&](std::string_view key, od::value& v) {
        if (key == "error") {
            if (is_object(v)) {
                od::object error;
                nested = true;
                return v.get_object().get(error) == simdjson::SUCCESS &&
                       read_error_object(error, f);
            }
            return read_string(v, &flat.message);
        }
        if (key == "message") {
            return read_string(v, &flat.message);
        }
        if (key == "type") {
            return read_string(v, &flat.type);
        }
        if (key == "code") {
            return read_string(v, &flat.code);
        }
        return true;
    });
    if (!nested) {
        *f = flat;
    }
}

// The top-level object, or the first element of a top-level array (Google front-ends
// sometimes wrap the error as [{"error":...}]).
bool first_object(od::document& doc, od::object* out) {
    od::json_type type;
    if (doc.type().get(type) != simdjson::SUCCESS) {
        return false;
    }
    if (type == od::json_type::object) {
        return doc.get_object().get(*out) == simdjson::SUCCESS;
    }
    od::array array;
    if (type != od::json_type::array || doc.get_array().get(array) != simdjson::SUCCESS) {
        return false;
    }
    for (auto result : array) {
        od::value element;
        return std::move(result).get(element) == simdjson::SUCCESS && is_object(element) &&
               element.get_object().get(*out) == simdjson::SUCCESS;
    }
    return false;
}

}  // namespace

// Reads what it can; a body that is not JSON, or breaks off, yields what came before.
ErrorFacts read_error_body(std::string_view body) {
    ErrorFacts f;
    od::document doc;
    od::object top;
    if (thread_reader().begin(body, &doc) && first_object(doc, &top)) {
        read_top(top, &f);
    }
    return f;
}

std::string_view read_gemini_block_reason(std::string_view body) {
    od::document doc;
    od::object top;
    if (!thread_reader().begin(body, &doc) || !first_object(doc, &top)) {
        return {};
    }
    std::string_view block_reason;
    bool candidates = false;
    bool ok = for_each_field(top, [&](std::string_view key, od::value& v) {
        if (key == "candidates" && is_array(v)) {
            od::array array;
            size_t n = 0;
            bool counted = v.get_array().get(array) == simdjson::SUCCESS &&
                           array.count_elements().get(n) == simdjson::SUCCESS;
            candidates = counted && n > 0;
            return counted;
        }
        if (key == "promptFeedback" && is_object(v)) {
            od::object feedback;
            return v.get_object().get(feedback) == simdjson::SUCCESS &&
                   for_each_field(feedback, [&](std::string_view k, od::value& fv) {
                       return k != "blockReason" || read_string(fv, &block_reason);
                   });
        }
        return true;
    });
    if (!ok || candidates || block_reason == "BLOCK_REASON_UNSPECIFIED") {
        return {};
    }
    return block_reason;
}

bool contains_ci(std::string_view hay, std::string_view needle) {
    return find_after_ci(hay, needle) != std::string_view::npos;
}

size_t find_after_ci(std::string_view hay, std::string_view needle) {
    hay = hay.substr(0, error_message_bytes_max);
    for (size_t i = 0; i + needle.size() <= hay.size(); ++i) {
        size_t j = 0;
        while (j < needle.size() && lower(hay[i + j]) == needle[j]) {
            ++j;
        }
        if (j == needle.size()) {
            return i + j;
        }
    }
    return std::string_view::npos;
}

}  // namespace rg::keys
