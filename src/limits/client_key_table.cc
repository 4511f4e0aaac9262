#include "limits/client_key_table.h"

#include <algorithm>
#include <cmath>

#include "base/assert.h"
#include "base/glob.h"

namespace rg::limits {

namespace {

uint64_t to_limit(const std::optional<uint64_t>& v) {
    return v ? *v : LimitRules::no_limit;
}

uint64_t usd_to_micro(const std::optional<double>& usd) {
    if (!usd) {
        return LimitRules::no_limit;
    }
    const double micro = std::round(*usd * 1e6);
    return micro <= 0 ? 0 : micro >= 1.8e19 ? LimitRules::no_limit : static_cast<uint64_t>(micro);
}

}  // namespace

LimitRules LimitRules::from(const ClientKeyOptions& o) {
    LimitRules r;
    r.requests = RequestRate::from(o.rate_limit.requests_per_second, o.rate_limit.burst);
    r.tokens_per_minute = to_limit(o.rate_limit.tokens_per_minute);
    r.requests_per_day = to_limit(o.quota.requests_per_day);
    r.tokens_per_day = to_limit(o.quota.tokens_per_day);
    r.budget_day_micro_usd = usd_to_micro(o.budget.usd_per_day);
    r.budget_month_micro_usd = usd_to_micro(o.budget.usd_per_month);
    return r;
}

ClientKey::ClientKey(const ClientKeyOptions& options, const Digest& digest,
                     std::shared_ptr<KeyState> state)
    : options_(options),
      digest_(digest),
      rules_(LimitRules::from(options)),
      allows_every_model_(false),
      state_(std::move(state)) {
    for (const std::string& m : options_.allowed_models) {
        allows_every_model_ |= m == "*";
    }
}

std::shared_ptr<const ClientKeyTable> ClientKeyTable::build(
    const std::vector<ClientKeyOptions>& keys, const AuthOptions& auth,
    const ClientKeyTable* previous) {
    std::shared_ptr<ClientKeyTable> t(new ClientKeyTable());
    t->auth_required_ = auth.required;
    t->keys_.reserve(keys.size());
    for (const ClientKeyOptions& o : keys) {
        Digest digest;
        const bool hex_ok = digest_from_hex(o.key_sha256, &digest);
        RG_ASSERT(hex_ok);
        const ClientKey* before = previous ? previous->find_name(o.name) : nullptr;
        std::shared_ptr<KeyState> state =
            before ? before->shared_state() : std::make_shared<KeyState>();
        t->keys_.push_back(std::make_unique<ClientKey>(o, digest, std::move(state)));
    }
    t->index_digests();
    t->index_names();
    return t;
}

void ClientKeyTable::index_digests() {
    size_t n = 1;
    while (n < 2 * keys_.size()) {
        n *= 2;
    }
    slots_.assign(n, 0);
    for (uint32_t i = 0; i < keys_.size(); ++i) {
        size_t s = digest_prefix(keys_[i]->digest()) & (n - 1);
        while (slots_[s] != 0) {
            s = (s + 1) & (n - 1);
        }
        slots_[s] = i + 1;
    }
}

const ClientKey* ClientKeyTable::authenticate(std::string_view presented) const {
    if (presented.empty()) {
        return nullptr;
    }
    return find_digest(sha256(presented));
}

// The probe sequence depends on the presented digest only, which its sender knows anyway;
// every candidate is compared on all 32 bytes in constant time.
const ClientKey* ClientKeyTable::find_digest(const Digest& digest) const {
    const size_t mask = slots_.size() - 1;
    for (size_t s = digest_prefix(digest) & mask; slots_[s] != 0; s = (s + 1) & mask) {
        const ClientKey& k = *keys_[slots_[s] - 1];
        if (digests_equal(k.digest(), digest)) {
            return &k;
        }
    }
    return nullptr;
}

void ClientKeyTable::index_names() {
    by_name_.resize(keys_.size());
    for (uint32_t i = 0; i < keys_.size(); ++i) {
        by_name_[i] = i;
    }
    std::sort(by_name_.begin(), by_name_.end(),
              [this](uint32_t a, uint32_t b) { return keys_[a]->name() < keys_[b]->name(); });
}

const ClientKey* ClientKeyTable::find_name(std::string_view name) const {
    auto it = std::lower_bound(
        by_name_.begin(), by_name_.end(), name,
        [this](uint32_t i, std::string_view n) { return std::string_view(keys_[i]->name()) < n; });
    return it != by_name_.end() && keys_[*it]->name() == name ? keys_[*it].get() : nullptr;
}

Authorization authorize(const ClientKeyTable& table, std::string_view presented) {
    if (presented.empty()) {
        return {table.auth_required() ? AuthOutcome::refused : AuthOutcome::anonymous, nullptr};
    }
    const ClientKey* key = table.authenticate(presented);
    return {key ? AuthOutcome::authenticated : AuthOutcome::refused, key};
}

bool model_allowed(const ClientKey& key, std::string_view public_model) {
    if (key.allows_every_model()) {
        return true;
    }
    for (const std::string& pattern : key.options().allowed_models) {
        if (is_glob(pattern) ? glob_match(pattern, public_model) : pattern == public_model) {
            return true;
        }
    }
    return false;
}

}  // namespace rg::limits
