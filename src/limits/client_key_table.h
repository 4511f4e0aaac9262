// ClientKeyTable: the client keys of one config snapshot, immutable once built on the
// control thread and read by every worker without locks. A key is known only by the SHA-256
// digest of its text; authenticate() hashes what a request presents and looks the digest up,
// comparing digests in constant time, without allocating. Each ClientKey points at its
// KeyState, which carries over to the next table when the key's name remains.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "limits/digest.h"
#include "limits/key_state.h"
#include "limits/options.h"
#include "limits/request_bucket.h"

namespace rg::limits {

// A client key's limits in the units the limiter counts, computed once per snapshot.
// `no_limit` stands for an absent field.
struct LimitRules {
    static constexpr uint64_t no_limit = UINT64_MAX;

    RequestRate requests;
    uint64_t tokens_per_minute = no_limit;
    uint64_t requests_per_day = no_limit;
    uint64_t tokens_per_day = no_limit;
    uint64_t budget_day_micro_usd = no_limit;  // llround(usd x 1e6)
    uint64_t budget_month_micro_usd = no_limit;

    static LimitRules from(const ClientKeyOptions& options);
    // Whether any limit is set (a key without limits never needs the limiter's state).
    bool any() const {
        return requests.mode != RequestRate::Mode::unlimited || tokens_per_minute != no_limit ||
               requests_per_day != no_limit || tokens_per_day != no_limit ||
               budget_day_micro_usd != no_limit || budget_month_micro_usd != no_limit;
    }
};

class ClientKey {
  public:
    ClientKey(const ClientKeyOptions& options, const Digest& digest,
              std::shared_ptr<KeyState> state);

    const std::string& name() const { return options_.name; }
    const ClientKeyOptions& options() const { return options_; }
    const Digest& digest() const { return digest_; }
    const LimitRules& rules() const { return rules_; }
    // Mutable through a const key: the state is the shared, atomic part of an immutable table.
    KeyState& state() const { return *state_; }
    const std::shared_ptr<KeyState>& shared_state() const { return state_; }
    bool allows_every_model() const { return allows_every_model_; }

  private:
    ClientKeyOptions options_;
    Digest digest_;
    LimitRules rules_;
    bool allows_every_model_;
    std::shared_ptr<KeyState> state_;
};

class ClientKeyTable {
  public:
    // `previous` (may be null): the table being replaced; a key whose name it also has takes
    // over that key's state (counters, bucket, windows), whatever its digest or limits now.
    // Digests must be 64 hex characters (config/ checks this); names must be unique.
    static std::shared_ptr<const ClientKeyTable> build(const std::vector<ClientKeyOptions>& keys,
                                                       const AuthOptions& auth,
                                                       const ClientKeyTable* previous);

    // The key whose digest equals SHA-256(presented), or null. Empty input is never a key.
    const ClientKey* authenticate(std::string_view presented) const;
    // Same, from a digest already computed.
    const ClientKey* find_digest(const Digest& digest) const;
    const ClientKey* find_name(std::string_view name) const;

    bool auth_required() const { return auth_required_; }
    size_t size() const { return keys_.size(); }
    const ClientKey& key(size_t i) const { return *keys_[i]; }

  private:
    ClientKeyTable() = default;
    void index_digests();
    void index_names();

    std::vector<std::unique_ptr<ClientKey>> keys_;  // config order
    // Open addressing on the digest's first 8 bytes (a uniform hash): a power-of-two array
    // of key index + 1, 0 = empty, at most half full.
    std::vector<uint32_t> slots_;
    std::vector<uint32_t> by_name_;  // key indexes sorted by name, for carry-over lookups
    bool auth_required_ = false;
};

// The authentication decision for one request (auth.required from the snapshot):
//   a presented key that matches        -> authenticated (key set)
//   a presented key that matches nothing -> refused, whether or not auth is required
//   no key, auth.required                -> refused
//   no key, open gateway                 -> anonymous (no key, no limits)
// A refusal is a 401 whose body says only that a valid key is needed (nothing on which
// check failed, so it helps no guessing).
enum class AuthOutcome : uint8_t { authenticated, anonymous, refused };
struct Authorization {
    AuthOutcome outcome = AuthOutcome::refused;
    const ClientKey* key = nullptr;
};
// `presented` empty means the request carried no key (limits/key_extract.h).
Authorization authorize(const ClientKeyTable& table, std::string_view presented);

// Whether `key` may call `public_model`: an `allowed_models` entry equal to it, or a glob
// (base/glob.h) matching it. "*" allows every model without a scan.
bool model_allowed(const ClientKey& key, std::string_view public_model);

}  // namespace rg::limits
