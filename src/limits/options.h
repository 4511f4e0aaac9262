// Options of client authentication and limits: client keys with their rate limits, quotas
// and budgets, and model prices. Plain data filled by config/ from the `client_keys:`,
// `auth:` and `pricing:` sections; read-only afterwards, as part of an immutable snapshot.
// Client keys are held only as SHA-256 digests: the plain key never reaches a snapshot.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace rg::limits {

// Token bucket per client key. Absent fields mean "no limit" for that dimension.
// requests_per_second 0 with burst 0 admits nothing: a way to block a key.
struct RateLimitOptions {
    std::optional<double> requests_per_second;  // refill rate; fractions allowed
    std::optional<uint32_t> burst;              // bucket size; only with requests_per_second
    std::optional<uint64_t> tokens_per_minute;
};

// Counters that reset at 00:00 UTC; absent fields mean "unlimited".
struct QuotaOptions {
    std::optional<uint64_t> requests_per_day;
    std::optional<uint64_t> tokens_per_day;
};

// Spend caps in USD computed from `pricing`; absent fields mean "unlimited".
struct BudgetOptions {
    std::optional<double> usd_per_day;
    std::optional<double> usd_per_month;
};

struct ClientKeyOptions {
    std::string name;        // label for logs, metrics and the admin API; unique
    std::string key_sha256;  // SHA-256 of the client key: 64 lowercase hex characters
    std::vector<std::string> allowed_models = {"*"};  // public names or globs
    RateLimitOptions rate_limit;
    QuotaOptions quota;
    BudgetOptions budget;
};

struct AuthOptions {
    // When absent from the file: true if any client key is configured, else false (an open
    // gateway). When false, requests without a key pass; a presented key is still checked.
    bool required = false;
};

// Prices in USD per million tokens.
struct PriceOptions {
    std::string model;        // public model name or glob
    double input = 0;         // prompt tokens
    double cached_input = 0;  // prompt tokens served from the provider's cache; = input if absent
    double output = 0;        // completion tokens
};

}  // namespace rg::limits
