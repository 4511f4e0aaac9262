#include "keys/classify.h"

#include <algorithm>

#include "keys/error_body.h"
#include "keys/wire_time.h"

namespace rg::keys {
namespace {

constexpr int64_t ns_per_ms = 1'000'000;

// --- Headers ----------------------------------------------------------------------------

// Rate-limit buckets in header order: OpenAI uses the first two.
enum Bucket : uint8_t { requests = 0, tokens, input_tokens, output_tokens, bucket_count };

// Names after their common prefix, which is compared once per header.
constexpr std::string_view openai_prefix = "x-ratelimit-";
constexpr std::string_view openai_remaining[] = {"remaining-requests", "remaining-tokens"};
constexpr std::string_view openai_reset[] = {"reset-requests", "reset-tokens"};
constexpr std::string_view anthropic_prefix = "anthropic-ratelimit-";
constexpr std::string_view anthropic_remaining[] = {
    "requests-remaining", "tokens-remaining", "input-tokens-remaining", "output-tokens-remaining"};
constexpr std::string_view anthropic_reset[] = {"requests-reset", "tokens-reset",
                                                "input-tokens-reset", "output-tokens-reset"};

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

// ASCII case-insensitive equality against a lower-case constant. Inline: header scans run
// on every answer and most names share a 12-20 byte prefix.
inline bool equals_lower(std::string_view s, std::string_view lower) {
    if (s.size() != lower.size()) {
        return false;
    }
    for (size_t i = 0; i < s.size(); ++i) {
        const char c = s[i];
        if ((c >= 'A' && c <= 'Z' ? static_cast<char>(c + 32) : c) != lower[i]) {
            return false;
        }
    }
    return true;
}

bool starts_with_ci(std::string_view name, std::string_view prefix) {
    return name.size() > prefix.size() && equals_lower(name.substr(0, prefix.size()), prefix);
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
        if (equals_lower(name, names[i])) {
            set_once(&slots[i], value);
            return true;
        }
    }
    return false;
}

void scan_header(ProviderType type, std::string_view name, std::string_view value, HintHeaders* h) {
    if (equals_lower(name, "retry-after-ms")) {
        set_once(&h->retry_after_ms, value);
    } else if (equals_lower(name, "retry-after")) {
        set_once(&h->retry_after, value);
    } else if (equals_lower(name, "x-should-retry")) {
        set_once(&h->should_retry, value);
    } else if (type == ProviderType::openai && starts_with_ci(name, openai_prefix)) {
        name.remove_prefix(openai_prefix.size());
        match_bucket(openai_remaining, name, value, h->remaining) ||
            match_bucket(openai_reset, name, value, h->reset);
    } else if (type == ProviderType::anthropic && starts_with_ci(name, anthropic_prefix)) {
        name.remove_prefix(anthropic_prefix.size());
        match_bucket(anthropic_remaining, name, value, h->remaining) ||
            match_bucket(anthropic_reset, name, value, h->reset);
    }
}

HintHeaders scan_headers(ProviderType type, std::span<const http::Header> headers) {
    HintHeaders h;
    for (const http::Header& header : headers) {
        // Every name of interest starts with r, x or a: most headers stop here.
        const char first = static_cast<char>(header.name.empty() ? 0 : header.name[0] | 0x20);
        if (first == 'r' || first == 'x' || first == 'a') {
            scan_header(type, header.name, trim(header.value), &h);
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
    const size_t at = find_after_ci(message, "try again in ");
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
            return f.type == "billing_error" || contains_ci(f.message, "credit balance");
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
                   contains_ci(f.message, "maximum context length");
        case ProviderType::anthropic:
            return contains_ci(f.message, "prompt is too long") ||
                   contains_ci(f.message, "exceed context limit");
        case ProviderType::gemini:
            return contains_ci(f.message, "input token count") ||
                   contains_ci(f.message, "exceeds the maximum number of tokens");
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
            return contains_ci(f.message, "content filtering");
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
                             contains_ci(f.message, "overloaded"));
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
    if (type != ProviderType::gemini || read_gemini_block_reason(body).empty()) {
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
