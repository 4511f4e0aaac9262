// ModelRouter: resolves the model a client asks for to provider targets, per the `models`,
// `routing` and `providers` sections. Built once per config snapshot on the control thread,
// immutable afterwards and read by every shard without locks; resolve() never allocates.
#pragma once

#include "base/glob.h"

#include <array>
#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "base/result.h"
#include "keys/options.h"
#include "proxy/options.h"

namespace rg::proxy {

// Targets of one models entry. A Resolution carries its targets inline so that resolve()
// returns a value without allocating; weighted pools larger than this are not a real need.
// TODO: move to base/limits.h and have config/ reject entries with more targets.
inline constexpr size_t targets_max = 16;

enum class MatchKind : uint8_t { none = 0, exact, glob, builtin };

struct ResolvedTarget {
    uint16_t provider = 0;   // index into the providers list the router was built from
    uint32_t weight = 1;     // relative share among the resolution's targets
    std::string_view model;  // name to send upstream, model_mapping applied
};

// The answer for one asked name. Views point into the router or into the asked name, so a
// Resolution lives no longer than either.
struct Resolution {
    MatchKind kind = MatchKind::none;
    std::string_view public_name;  // the asked name after strip_prefix
    std::string_view entry;        // the matching models entry's name (a glob for globs)
    uint8_t target_count = 0;
    std::array<ResolvedTarget, targets_max> targets{};
    // Public names to try in order when every target fails; resolve each with resolve().
    std::span<const std::string> fallbacks;

    bool found() const { return target_count > 0; }
    std::span<const ResolvedTarget> target_list() const { return {targets.data(), target_count}; }
    // The first target, until the weighted picker exists. Requires found().
    const ResolvedTarget& pick_first() const;
};

class ModelRouter {
  public:
    // Copies what it needs, so the options may go away afterwards. Fails when a target names
    // no provider or an entry has more than targets_max targets (config/ validates the first
    // with a better message).
    static Result<ModelRouter> build(const std::vector<ModelOptions>& models,
                                     const RoutingOptions& routing,
                                     const std::vector<keys::ProviderOptions>& providers);

    // strip_prefix, then the models entry of that exact name, then the first glob entry in
    // config order, then the built-in rules (when enabled). Targets whose provider has a
    // `models` list not admitting the name are left out, and an entry left without targets
    // does not match. model_mapping of the target's provider applies last. Not found:
    // found() is false (the caller answers 404 model_not_found).
    Resolution resolve(std::string_view asked) const;

    // The asked name without routing.strip_prefix (unchanged when it does not start so).
    std::string_view strip(std::string_view asked) const;

  private:
    struct Target {
        uint16_t provider = 0;
        uint32_t weight = 1;
        std::string model;  // empty: keep the asked name
    };
    struct Entry {
        std::string name;
        uint32_t first_target = 0;
        uint32_t target_count = 0;
        uint32_t first_fallback = 0;
        uint32_t fallback_count = 0;
    };
    struct Provider {
        keys::ProviderType type = keys::ProviderType::openai;
        std::vector<std::string> exact_models;  // sorted; with globs: empty lists admit all
        std::vector<std::string> glob_models;
        std::vector<keys::ModelMapping> mapping;  // sorted by `from`, first wins
    };

    Result<void> add_entry(const ModelOptions& options,
                           const std::vector<keys::ProviderOptions>& providers);
    void add_provider(const keys::ProviderOptions& options);
    const Entry* find_exact(std::string_view name) const;
    bool fill_from_entry(const Entry& entry, std::string_view name, Resolution& out) const;
    bool fill_from_builtin(std::string_view name, Resolution& out) const;
    bool admits(const Provider& provider, std::string_view model) const;
    std::string_view mapped(const Provider& provider, std::string_view model) const;

    std::string strip_prefix_;
    bool builtin_rules_ = true;
    std::vector<Entry> exact_;  // sorted by name; equal names keep config order
    std::vector<Entry> globs_;  // config order
    std::vector<Target> targets_;
    std::vector<std::string> fallbacks_;
    std::vector<Provider> providers_;
};

// The provider type the built-in rules route `name` to, if any: gpt-*, chatgpt-*, o1*, o3*,
// o4*, text-embedding-* (but text-embedding-004), davinci*, babbage* -> openai; claude* ->
// anthropic; gemini*, gemma-*, embedding*, text-embedding-004 -> gemini.
std::optional<keys::ProviderType> builtin_rule_type(std::string_view name);

}  // namespace rg::proxy
