// Options of the upstream providers and their API keys.
// Plain data filled by config/ from the `providers:` section; read-only afterwards, as part
// of an immutable snapshot. Holds provider secrets: never log or print `KeyOptions::secret`.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "upstream/options.h"

namespace rg::keys {

// Enumerators are numbered in the order config/ lists their names; keep both in step.
enum class ProviderType : uint8_t { openai = 0, anthropic = 1, gemini = 2 };
// OpenAI-type upstreams only: which API the upstream serves. `chat` is OpenAI's full API
// (Chat Completions, and Responses clients passed through); `responses` serves only the
// Responses API; `chat_only` serves only Chat Completions (most OpenAI-compatible servers),
// so Responses clients are translated to it.
enum class Api : uint8_t { chat = 0, responses = 1, chat_only = 2 };
enum class Strategy : uint8_t {
    weighted = 0,
    round_robin = 1,
    least_inflight = 2,
    latency = 3,
    priority = 4,
};
enum class Scheme : uint8_t { http = 0, https = 1 };

// `base_url` taken apart: "https://api.openai.com/v1" -> https, "api.openai.com", 443, "/v1".
struct BaseUrl {
    Scheme scheme = Scheme::https;
    std::string host;  // lowercase name or IP literal; IPv6 without brackets
    uint16_t port = 443;
    std::string path_prefix;  // "" or "/v1": starts with '/', never ends with '/'
};

// How key health reacts to failures (top-level `upstream:` section only; one policy for
// every provider). Not in the contract's example: added for operators (and tests) who
// need other periods than the defaults.
//   upstream:
//     circuit_breaker: {failures: 5, open: 10s, max_open: 5m}
//     key_reprobe: 5m   # disabled (401/403) and parked (quota) keys get one probe after this
struct HealthOptions {
    uint32_t circuit_failures = 5;     // consecutive failures that open a key's circuit
    uint32_t circuit_open_ms = 10000;  // first open period; doubles per re-open
    uint32_t circuit_open_max_ms = 300000;
    uint32_t reprobe_ms = 300000;
};

struct KeyOptions {
    std::string id;      // label for logs, metrics and the admin API; unique in its provider
    std::string secret;  // the upstream API key: never logged, printed or exported
    uint32_t weight = 1;
};

struct HeaderOptions {
    std::string name;
    std::string value;  // may carry credentials: print names only
};

struct ModelMapping {
    std::string from;  // public name a client asked for
    std::string to;    // name sent upstream
};

struct ProviderOptions {
    std::string name;
    ProviderType type = ProviderType::openai;
    std::string base_url;  // as written, or the type's official default when absent
    BaseUrl url;
    Api api = Api::chat;
    Strategy strategy = Strategy::weighted;
    std::vector<KeyOptions> keys;  // at least one
    std::vector<HeaderOptions> headers;
    std::vector<std::string> models;  // what it serves; empty: whatever is routed to it
    std::vector<ModelMapping> model_mapping;
    // The global `upstream:` options with this provider's overrides applied: a provider entry
    // accepts the same keys as `upstream:` (connect_timeout, first_byte_timeout,
    // first_token_timeout, stall_timeout, max_attempts, backoff, verify_tls, ca_file).
    upstream::Options upstream;
};

}  // namespace rg::keys
