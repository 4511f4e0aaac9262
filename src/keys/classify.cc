#include "keys/classify.h"

#include <simdjson.h>

#include <algorithm>
#include <bit>
#include <cstring>
#include <memory>

#include "keys/wire_time.h"

namespace rg::keys {
namespace {

namespace od = simdjson::ondemand;

constexpr int64_t ns_per_ms = 1'000'000;
constexpr size_t padding_bytes = simdjson::SIMDJSON_PADDING;
// Smallest parser and scratch capacity; grown in powers of two up to error_body_bytes_max
// (plus repair bytes), so a thread reallocates at most five times in its life.
constexpr size_t buffer_bytes_min = 4096;
static_assert(std::has_single_bit(error_body_bytes_max) && error_body_bytes_max >= 4096);

// --- Reading error bodies -------------------------------------------------------------

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

// What classification needs from an error body. The views point into the thread's parser
// and stay valid until its next document: use them within the call that read them.
struct ErrorFacts {
    std::string_view message;
    std::string_view type;                  // OpenAI error.type, Anthropic error.type
    std::string_view code;                  // OpenAI error.code (when a string)
    std::string_view status;                // Gemini error.status (gRPC code name)
    bool api_key_invalid = false;           // Gemini ErrorInfo reason API_KEY_*
    bool per_day_quota = false;             // Gemini QuotaFailure naming a per-day quota
    std::optional<int64_t> retry_delay_ns;  // Gemini RetryInfo.retryDelay
};

bool ends_with(std::string_view s, std::string_view suffix) {
    return s.size() >= suffix.size() && s.substr(s.size() - suffix.size()) == suffix;
}

char lower(char c) {
    return c >= 'A' && c <= 'Z' ? static_cast<char>(c + 32) : c;
}

// ASCII case-insensitive search; `needle` is lower case. Naive, over bounded inputs.
bool contains(std::string_view hay, std::string_view needle) {
    hay = hay.substr(0, error_message_bytes_max);
    if (needle.size() > hay.size()) {
        return false;
    }
    for (size_t i = 0; i + needle.size() <= hay.size(); ++i) {
        size_t j = 0;
        while (j < needle.size() && lower(hay[i + j]) == needle[j]) {
            ++j;
        }
        if (j == needle.size()) {
            return true;
        }
    }
    return false;
}

// Position just past `needle` in `hay` (case-insensitive, `needle` lower case), or npos.
size_t find_after(std::string_view hay, std::string_view needle) {
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
            *per_day = *per_day || contains(id, "perday");
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

// --- Headers ----------------------------------------------------------------------------

// Rate-limit buckets in header order: OpenAI uses the first two.
enum Bucket : uint8_t { requests = 0, tokens, input_tokens, output_tokens, bucket_count };

constexpr std::string_view openai_remaining[] = {"x-ratelimit-remaining-requests",
                                                 "x-ratelimit-remaining-tokens"};
constexpr std::string_view openai_reset[] = {"x-ratelimit-reset-requests",
                                             "x-ratelimit-reset-tokens"};
constexpr std::string_view anthropic_remaining[] = {
    "anthropic-ratelimit-requests-remaining", "anthropic-ratelimit-tokens-remaining",
    "anthropic-ratelimit-input-tokens-remaining", "anthropic-ratelimit-output-tokens-remaining"};
constexpr std::string_view anthropic_reset[] = {
    "anthropic-ratelimit-requests-reset", "anthropic-ratelimit-tokens-reset",
    "anthropic-ratelimit-input-tokens-reset", "anthropic-ratelimit-output-tokens-reset"};

// The hint headers of one answer, values trimmed; the first of duplicates wins.
struct HintHeaders {
    std::string_view retry_after_ms;
    std::string_view retry_after;
    std::string_view should_retry;
    std::string_view remaining[bucket_count];
    std::string_view reset[bucket_count];
};

std::string_view trim(std::string_view v) {
    while (!v.empty() && (v.front() == ' ' || v.front() == '\t')) {
        v.remove_prefix(1);
    }
    while (!v.empty() && (v.back() == ' ' || v.back() == '\t')) {
        v.remove_suffix(1);
    }
    return v;
}

void set_once(std::string_view* slot, std::string_view value) {
    if (slot->data() == nullptr) {
        *slot = value;
    }
}

// Matches `name` against a table; sets the bucket's slot on a hit.
template <size_t N>
bool match_bucket(const std::string_view (&names)[N], std::string_view name, std::string_view value,
                  std::string_view* slots) {
    for (size_t i = 0; i < N; ++i) {
        if (http::equals_ignore_case(name, names[i])) {
            set_once(&slots[i], value);
            return true;
        }
    }
    return false;
}

HintHeaders scan_headers(ProviderType type, std::span<const http::Header> headers) {
    HintHeaders h;
    for (const http::Header& header : headers) {
        const std::string_view name = header.name;
        const std::string_view value = trim(header.value);
        if (http::equals_ignore_case(name, "retry-after-ms")) {
            set_once(&h.retry_after_ms, value);
        } else if (http::equals_ignore_case(name, "retry-after")) {
            set_once(&h.retry_after, value);
        } else if (http::equals_ignore_case(name, "x-should-retry")) {
            set_once(&h.should_retry, value);
        } else if (type == ProviderType::openai) {
            match_bucket(openai_remaining, name, value, h.remaining) ||
                match_bucket(openai_reset, name, value, h.reset);
        } else if (type == ProviderType::anthropic) {
            match_bucket(anthropic_remaining, name, value, h.remaining) ||
                match_bucket(anthropic_reset, name, value, h.reset);
        }
    }
    return h;
}

int64_t ceil_ms(int64_t ns) {
    return ns <= 0 ? ns / ns_per_ms : (ns - 1) / ns_per_ms + 1;
}

uint64_t clamp_ms(int64_t ms) {
    return ms <= 0 ? 0 : std::min(static_cast<uint64_t>(ms), retry_after_ms_max);
}

// A count of remaining requests or tokens; -1 for anything else (Azure sends "-1").
int64_t parse_count(std::string_view v) {
    std::optional<int64_t> n =
        v.find('.') == std::string_view::npos ? parse_decimal_ns(v, 1) : std::nullopt;
    return n ? *n : -1;
}

// A reset value as ms from now: OpenAI a duration (a bare number reads as seconds, as some
// OpenAI-compatible servers send), Anthropic an RFC 3339 time.
std::optional<int64_t> parse_reset_ms(ProviderType type, std::string_view v, int64_t now_ms) {
    if (type == ProviderType::anthropic) {
        std::optional<int64_t> at = parse_rfc3339_ms(v);
        return at ? std::optional<int64_t>(*at - now_ms) : std::nullopt;
    }
    std::optional<int64_t> ns = parse_go_duration_ns(v);
    if (!ns) {
        ns = parse_decimal_ns(v, 1'000'000'000);
    }
    return ns ? std::optional<int64_t>(ceil_ms(*ns)) : std::nullopt;
}

struct BucketState {
    int64_t remaining[bucket_count] = {-1, -1, -1, -1};
    std::optional<int64_t> reset_ms[bucket_count];
    bool present = false;
};

BucketState read_buckets(ProviderType type, const HintHeaders& h, int64_t now_ms) {
    BucketState s;
    for (size_t i = 0; i < bucket_count; ++i) {
        if (!h.remaining[i].empty()) {
            s.remaining[i] = parse_count(h.remaining[i]);
        }
        if (!h.reset[i].empty()) {
            s.reset_ms[i] = parse_reset_ms(type, h.reset[i], now_ms);
        }
        s.present = s.present || s.remaining[i] >= 0 || s.reset_ms[i].has_value();
    }
    return s;
}

// The latest reset among buckets at 0.
std::optional<int64_t> exhausted_reset_ms(const BucketState& s) {
    std::optional<int64_t> latest;
    for (size_t i = 0; i < bucket_count; ++i) {
        if (s.remaining[i] == 0 && s.reset_ms[i]) {
            latest = std::max(latest.value_or(*s.reset_ms[i]), *s.reset_ms[i]);
        }
    }
    return latest;
}

std::optional<int64_t> earliest_reset_ms(const BucketState& s) {
    std::optional<int64_t> earliest;
    for (size_t i = 0; i < bucket_count; ++i) {
        if (s.reset_ms[i]) {
            earliest = std::min(earliest.value_or(*s.reset_ms[i]), *s.reset_ms[i]);
        }
    }
    return earliest;
}

// retry-after-ms, then retry-after (delta-seconds or HTTP-date). An unparseable value
// is ignored.
std::optional<int64_t> generic_hint_ms(const HintHeaders& h, int64_t now_ms) {
    if (!h.retry_after_ms.empty()) {
        if (std::optional<int64_t> ns = parse_decimal_ns(h.retry_after_ms, ns_per_ms)) {
            return ceil_ms(*ns);
        }
    }
    if (!h.retry_after.empty()) {
        if (std::optional<int64_t> ns = parse_decimal_ns(h.retry_after, 1'000'000'000)) {
            return ceil_ms(*ns);
        }
        if (std::optional<int64_t> at = parse_http_date_ms(h.retry_after)) {
            return *at - now_ms;
        }
    }
    return std::nullopt;
}

// OpenAI's 429 message: "... Please try again in 1.24s. Visit ...".
std::optional<int64_t> message_hint_ms(std::string_view message) {
    const size_t at = find_after(message, "try again in ");
    if (at == std::string_view::npos) {
        return std::nullopt;
    }
    size_t used = 0;
    std::optional<int64_t> ns = parse_go_duration_prefix_ns(message.substr(at), &used);
    return ns ? std::optional<int64_t>(ceil_ms(*ns)) : std::nullopt;
}

bool needs_body_for_hint(ProviderType type) {
    return type != ProviderType::anthropic;
}

// The hint; `facts` is read only for OpenAI and Gemini and may be null when the body was
// not parsed (then it is parsed here if needed).
uint64_t hint_ms(ProviderType type, const HintHeaders& h, std::string_view body,
                 const ErrorFacts* facts, int64_t now_ms) {
    if (std::optional<int64_t> ms = generic_hint_ms(h, now_ms)) {
        return clamp_ms(*ms);
    }
    if (type != ProviderType::gemini) {
        if (std::optional<int64_t> ms = exhausted_reset_ms(read_buckets(type, h, now_ms))) {
            return clamp_ms(*ms);
        }
    }
    if (!needs_body_for_hint(type)) {
        return 0;
    }
    ErrorFacts parsed;
    if (facts == nullptr) {
        parsed = read_error_body(body);
        facts = &parsed;
    }
    std::optional<int64_t> ms;
    if (type == ProviderType::gemini && facts->retry_delay_ns) {
        ms = ceil_ms(*facts->retry_delay_ns);
    } else if (type == ProviderType::openai) {
        ms = message_hint_ms(facts->message);
    }
    return ms ? clamp_ms(*ms) : 0;
}

// --- Classification -------------------------------------------------------------------

Classification make(FailureClass cls) {
    Classification c;
    c.cls = cls;
    switch (cls) {
        case FailureClass::context_length:
            c.retry_fallback = true;  // a larger-context model may take it
            break;
        case FailureClass::content_policy:
        case FailureClass::client_error:
            break;
        default:
            c.retry_other_key = true;
            c.retry_fallback = true;
            break;
    }
    return c;
}

// Out of credit or a quota that will not clear in seconds: the key, not the request.
bool is_quota(ProviderType type, int status, const ErrorFacts& f) {
    switch (type) {
        case ProviderType::openai:
            return f.code == "insufficient_quota" || f.type == "insufficient_quota" ||
                   f.code == "billing_hard_limit_reached";
        case ProviderType::anthropic:
            // billing_error is a 402, but a 400 "Your credit balance is too low" is seen too.
            return f.type == "billing_error" || contains(f.message, "credit balance");
        case ProviderType::gemini:
            // RESOURCE_EXHAUSTED names the quota it hit: a per-day one will not clear soon.
            // Per-minute quotas are rate limits, with or without RetryInfo.
            return status == 429 && f.per_day_quota;
    }
    return false;
}

bool is_context_length(ProviderType type, const ErrorFacts& f) {
    switch (type) {
        case ProviderType::openai:
            // vLLM and other OpenAI-compatible servers send only the message.
            return f.code == "context_length_exceeded" ||
                   contains(f.message, "maximum context length");
        case ProviderType::anthropic:
            return contains(f.message, "prompt is too long") ||
                   contains(f.message, "exceed context limit");
        case ProviderType::gemini:
            return contains(f.message, "input token count") ||
                   contains(f.message, "exceeds the maximum number of tokens");
    }
    return false;
}

bool is_content_policy(ProviderType type, const ErrorFacts& f) {
    switch (type) {
        case ProviderType::openai:
            // Azure OpenAI says content_filter.
            return f.code == "content_policy_violation" || f.code == "content_filter" ||
                   f.type == "content_policy_violation";
        case ProviderType::anthropic:
            return contains(f.message, "content filtering");
        case ProviderType::gemini:
            return false;  // a blocked prompt is a 200 (classify_success)
    }
    return false;
}

bool is_overloaded(int status, const ErrorFacts& f) {
    if (status == 529 || f.type == "overloaded_error") {
        return true;
    }
    // OpenAI "engine is currently overloaded" / slow_down, Gemini UNAVAILABLE "The model is
    // overloaded": capacity, not a fault. A bare 503 from a proxy in front counts as server.
    return status == 503 && (f.status == "UNAVAILABLE" || f.code == "slow_down" ||
                             contains(f.message, "overloaded"));
}

FailureClass classify_status(ProviderType type, int status, const ErrorFacts& f) {
    if (status < 400 || status >= 500) {
        return is_overloaded(status, f) ? FailureClass::overloaded : FailureClass::server;
    }
    if (status == 401 || status == 403) {
        return FailureClass::auth;
    }
    if (status == 402 || is_quota(type, status, f)) {
        return FailureClass::quota;
    }
    if (status == 429) {
        return FailureClass::rate_limited;
    }
    if (status == 408 || status == 409) {
        return FailureClass::server;  // request timeout, lock conflict: SDKs retry both
    }
    if (type == ProviderType::gemini && f.api_key_invalid) {
        return FailureClass::auth;  // Gemini answers a bad API key with 400
    }
    if (status != 404 && is_context_length(type, f)) {
        return FailureClass::context_length;
    }
    if (status != 404 && is_content_policy(type, f)) {
        return FailureClass::content_policy;
    }
    return FailureClass::client_error;
}

bool is_false(std::string_view v) {
    return http::equals_ignore_case(v, "false");
}

}  // namespace

Classification classify_response(ProviderType type, int status,
                                 std::span<const http::Header> headers, std::string_view body,
                                 int64_t now_unix_ms) {
    const ErrorFacts facts = read_error_body(body);
    const HintHeaders hints = scan_headers(type, headers);
    Classification c = make(classify_status(type, status, facts));
    if (status == 404) {
        c.retry_fallback = true;  // another provider may know the model
    }
    // x-should-retry: false (Anthropic; Stainless SDKs obey it first) says resending this
    // request will not help. It does not stop a move to another key when the key itself is
    // the problem (auth, quota, rate limit): that is a different request in effect.
    if (is_false(hints.should_retry) &&
        (c.cls == FailureClass::server || c.cls == FailureClass::overloaded)) {
        c.retry_other_key = false;
    }
    c.retry_after_ms = hint_ms(type, hints, body, &facts, now_unix_ms);
    return c;
}

std::optional<Classification> classify_success(ProviderType type, std::string_view body) {
    if (type != ProviderType::gemini) {
        return std::nullopt;
    }
    od::document doc;
    od::object top;
    if (!thread_reader().begin(body, &doc) || !first_object(doc, &top)) {
        return std::nullopt;
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
    // A truncated body that never showed its candidates is not judged blocked.
    if (!ok || candidates || block_reason.empty() || block_reason == "BLOCK_REASON_UNSPECIFIED") {
        return std::nullopt;
    }
    return make(FailureClass::content_policy);
}

Classification classify_transport(TransportFailure f) {
    switch (f) {
        case TransportFailure::timeout_connect:
        case TransportFailure::timeout_first_byte:
        case TransportFailure::timeout_first_token:
        case TransportFailure::timeout_stall:
            return make(FailureClass::timeout);
        case TransportFailure::connect_failed:
        case TransportFailure::tls_failed:
        case TransportFailure::reset:
        case TransportFailure::cut_before_head:
        case TransportFailure::cut_mid_body:
            break;
    }
    return make(FailureClass::transport);
}

uint64_t retry_after_ms(ProviderType type, std::span<const http::Header> headers,
                        std::string_view body, int64_t now_unix_ms) {
    return hint_ms(type, scan_headers(type, headers), body, nullptr, now_unix_ms);
}

RateLimitHint parse_rate_limit(ProviderType type, std::span<const http::Header> headers,
                               int64_t now_unix_ms) {
    RateLimitHint hint;
    if (type == ProviderType::gemini) {
        return hint;
    }
    const BucketState s = read_buckets(type, scan_headers(type, headers), now_unix_ms);
    hint.present = s.present;
    hint.remaining_requests = s.remaining[requests];
    for (size_t i = tokens; i < bucket_count; ++i) {
        if (s.remaining[i] >= 0) {
            hint.remaining_tokens = hint.remaining_tokens < 0
                                        ? s.remaining[i]
                                        : std::min(hint.remaining_tokens, s.remaining[i]);
        }
    }
    std::optional<int64_t> reset = exhausted_reset_ms(s);
    if (!reset) {
        reset = earliest_reset_ms(s);  // none at 0: when these numbers go stale
    }
    hint.reset_in_ms = reset ? clamp_ms(*reset) : 0;
    return hint;
}

}  // namespace rg::keys
