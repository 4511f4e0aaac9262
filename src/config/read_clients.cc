// The `client_keys:` list (keys hashed at load, limits, quotas, budgets) and `pricing:`.
#include <algorithm>

#include "config/key_hash.h"
#include "config/sections.h"
#include "config/values.h"

namespace rg::config::detail {
namespace {

void read_rate_limit(Reader& r, const YAML::Node& node, const std::string& path,
                     limits::RateLimitOptions* out) {
    bool ok =
        r.walk_map(node, path,
                   {
                       r.optional_amount_field("requests_per_second", &out->requests_per_second),
                       r.optional_u32_field("burst", &out->burst),
                       r.optional_u64_field("tokens_per_minute", &out->tokens_per_minute),
                   });
    if (!ok || !out->burst) {
        return;
    }
    if (!out->requests_per_second) {
        r.error(child_path(path, "burst"), "needs requests_per_second");
    } else if (*out->requests_per_second > 0 && *out->burst == 0) {
        r.error(child_path(path, "burst"),
                "must be at least 1 when requests_per_second is above 0 (0 and 0 block the key)");
    }
}

void read_quota(Reader& r, const YAML::Node& node, const std::string& path,
                limits::QuotaOptions* out) {
    r.walk_map(node, path,
               {
                   r.optional_u64_field("requests_per_day", &out->requests_per_day),
                   r.optional_u64_field("tokens_per_day", &out->tokens_per_day),
               });
}

void read_budget(Reader& r, const YAML::Node& node, const std::string& path,
                 limits::BudgetOptions* out) {
    r.walk_map(node, path,
               {
                   r.optional_amount_field("usd_per_day", &out->usd_per_day),
                   r.optional_amount_field("usd_per_month", &out->usd_per_month),
               });
}

void read_digest(Reader& r, const YAML::Node& node, const std::string& path, std::string* out) {
    if (!r.read_string(node, path, out)) {
        return;
    }
    if (!is_sha256_hex(*out)) {
        r.error(path, "must be 64 hex characters, a SHA-256 digest (see ringgate hash-key)");
        out->clear();
        return;
    }
    std::transform(out->begin(), out->end(), out->begin(),
                   [](char c) { return c >= 'A' && c <= 'F' ? static_cast<char>(c + 32) : c; });
}

// Exactly one of key / key_sha256; a plain key becomes its digest and is wiped.
void finish_client_key(Reader& r, const std::string& path, std::string* plain, std::string* digest,
                       limits::ClientKeyOptions* out) {
    require(r, path, "name");
    bool has_key = r.has(child_path(path, "key"));
    bool has_digest = r.has(child_path(path, "key_sha256"));
    if (has_key && has_digest) {
        r.error(child_path(path, "key_sha256"), "give key or key_sha256, not both");
    } else if (!has_key && !has_digest) {
        r.error(path, "missing key or key_sha256");
    } else if (has_key && !plain->empty()) {
        out->key_sha256 = hash_client_key(*plain);
    } else {
        out->key_sha256 = std::move(*digest);
    }
    wipe_secret(plain);
    if (out->allowed_models.empty()) {
        r.error(child_path(path, "allowed_models"), "at least one model or glob is required");
    }
}

void read_client_key(Reader& r, const YAML::Node& node, const std::string& path,
                     limits::ClientKeyOptions* out) {
    std::string plain;
    std::string digest;
    auto nested = [&](auto read, auto* target) {
        return [&r, read, target](const YAML::Node& n, const std::string& p) {
            read(r, n, p, target);
        };
    };
    bool ok = r.walk_map(
        node, path,
        {
            r.checked_field("name", is_valid_name, name_rule, &out->name),
            {"key",
             [&](const YAML::Node& n, const std::string& p) { read_secret(r, n, p, &plain); }},
            {"key_sha256",
             [&](const YAML::Node& n, const std::string& p) { read_digest(r, n, p, &digest); }},
            r.checked_list_field("allowed_models", is_valid_model_name, model_rule,
                                 &out->allowed_models),
            {"rate_limit", nested(read_rate_limit, &out->rate_limit)},
            {"quota", nested(read_quota, &out->quota)},
            {"budget", nested(read_budget, &out->budget)},
        },
        Reader::Keys::secret);
    if (ok) {
        finish_client_key(r, path, &plain, &digest, out);
    }
    wipe_secret(&plain);
}

void read_price(Reader& r, const std::string& model, const YAML::Node& node,
                const std::string& path, std::vector<limits::PriceOptions>* out) {
    if (!is_valid_model_name(model)) {
        r.error_at_key(path, std::string(model_rule) + " (got " + quoted(model) + ")");
        return;
    }
    limits::PriceOptions price;
    price.model = model;
    bool ok = r.walk_map(node, path,
                         {
                             r.amount_field("input", &price.input),
                             r.amount_field("cached_input", &price.cached_input),
                             r.amount_field("output", &price.output),
                         });
    if (!ok) {
        return;
    }
    require(r, path, "input");
    require(r, path, "output");
    if (!r.has(child_path(path, "cached_input"))) {
        price.cached_input = price.input;
    }
    out->push_back(std::move(price));
}

}  // namespace

void read_client_keys(Reader& r, const YAML::Node& node, const std::string& path,
                      std::vector<limits::ClientKeyOptions>* out) {
    r.walk_list(node, path, [&](const YAML::Node& item, const std::string& item_path) {
        read_client_key(r, item, item_path, &out->emplace_back());
    });
}

void read_pricing(Reader& r, const YAML::Node& node, const std::string& path,
                  std::vector<limits::PriceOptions>* out) {
    r.walk_entries(
        node, path,
        [&](const std::string& model, const YAML::Node& value, const std::string& entry_path) {
            read_price(r, model, value, entry_path, out);
        });
}

}  // namespace rg::config::detail
