#include "proxy/model_router.h"

#include <algorithm>
#include <utility>

#include "base/assert.h"

namespace rg::proxy {
namespace {

Error config_error(const char* message) {
    return Error::make(ErrorCode::config, message);
}

bool is_glob(std::string_view name) {
    return name.find_first_of("*?") != std::string_view::npos;
}

}  // namespace

const ResolvedTarget& Resolution::pick_first() const {
    RG_ASSERT(found());
    return targets[0];
}

std::optional<keys::ProviderType> builtin_rule_type(std::string_view name) {
    using keys::ProviderType;
    // Gemini's embedding model shares OpenAI's "text-embedding-" prefix: test it first.
    if (name == "text-embedding-004") {
        return ProviderType::gemini;
    }
    static constexpr struct {
        std::string_view prefix;
        ProviderType type;
    } rules[] = {
        {"gpt-", ProviderType::openai},      {"chatgpt-", ProviderType::openai},
        {"o1", ProviderType::openai},        {"o3", ProviderType::openai},
        {"o4", ProviderType::openai},        {"text-embedding-", ProviderType::openai},
        {"davinci", ProviderType::openai},   {"babbage", ProviderType::openai},
        {"claude", ProviderType::anthropic}, {"gemini", ProviderType::gemini},
        {"gemma-", ProviderType::gemini},    {"embedding", ProviderType::gemini},
    };
    for (const auto& rule : rules) {
        if (name.substr(0, rule.prefix.size()) == rule.prefix) {
            return rule.type;
        }
    }
    return std::nullopt;
}

Result<ModelRouter> ModelRouter::build(const std::vector<ModelOptions>& models,
                                       const RoutingOptions& routing,
                                       const std::vector<keys::ProviderOptions>& providers) {
    if (providers.size() > UINT16_MAX) {
        return config_error("too many providers");
    }
    ModelRouter router;
    router.strip_prefix_ = routing.strip_prefix;
    router.builtin_rules_ = routing.builtin_rules;
    for (const keys::ProviderOptions& p : providers) {
        router.add_provider(p);
    }
    for (const ModelOptions& m : models) {
        Result<void> added = router.add_entry(m, providers);
        if (!added) {
            return added.error();
        }
    }
    std::stable_sort(router.exact_.begin(), router.exact_.end(),
                     [](const Entry& a, const Entry& b) { return a.name < b.name; });
    return router;
}

void ModelRouter::add_provider(const keys::ProviderOptions& options) {
    Provider& p = providers_.emplace_back();
    p.type = options.type;
    for (const std::string& model : options.models) {
        (is_glob(model) ? p.glob_models : p.exact_models).push_back(model);
    }
    std::sort(p.exact_models.begin(), p.exact_models.end());
    p.mapping = options.model_mapping;
    std::stable_sort(
        p.mapping.begin(), p.mapping.end(),
        [](const keys::ModelMapping& a, const keys::ModelMapping& b) { return a.from < b.from; });
}

Result<void> ModelRouter::add_entry(const ModelOptions& options,
                                    const std::vector<keys::ProviderOptions>& providers) {
    if (options.targets.size() > targets_max) {
        return config_error("a models entry has more targets than proxy::targets_max");
    }
    Entry entry;
    entry.name = options.name;
    entry.first_target = static_cast<uint32_t>(targets_.size());
    for (const TargetOptions& t : options.targets) {
        auto it =
            std::find_if(providers.begin(), providers.end(),
                         [&](const keys::ProviderOptions& p) { return p.name == t.provider; });
        if (it == providers.end()) {
            return config_error("a models target names no configured provider");
        }
        targets_.push_back(
            Target{static_cast<uint16_t>(it - providers.begin()), t.weight, t.model});
    }
    entry.target_count = static_cast<uint32_t>(options.targets.size());
    entry.first_fallback = static_cast<uint32_t>(fallbacks_.size());
    entry.fallback_count = static_cast<uint32_t>(options.fallbacks.size());
    fallbacks_.insert(fallbacks_.end(), options.fallbacks.begin(), options.fallbacks.end());
    (is_glob(options.name) ? globs_ : exact_).push_back(std::move(entry));
    return ok_result();
}

std::string_view ModelRouter::strip(std::string_view asked) const {
    if (!strip_prefix_.empty() && asked.substr(0, strip_prefix_.size()) == strip_prefix_) {
        asked.remove_prefix(strip_prefix_.size());
    }
    return asked;
}

Resolution ModelRouter::resolve(std::string_view asked) const {
    Resolution out;
    const std::string_view name = strip(asked);
    out.public_name = name;
    if (name.empty()) {
        return out;
    }
    if (const Entry* e = find_exact(name); e != nullptr && fill_from_entry(*e, name, out)) {
        out.kind = MatchKind::exact;
        return out;
    }
    for (const Entry& e : globs_) {
        if (glob_match(e.name, name) && fill_from_entry(e, name, out)) {
            out.kind = MatchKind::glob;
            return out;
        }
    }
    if (builtin_rules_ && fill_from_builtin(name, out)) {
        out.kind = MatchKind::builtin;
    }
    return out;
}

const ModelRouter::Entry* ModelRouter::find_exact(std::string_view name) const {
    auto it = std::lower_bound(exact_.begin(), exact_.end(), name,
                               [](const Entry& e, std::string_view n) { return e.name < n; });
    return it != exact_.end() && it->name == name ? &*it : nullptr;
}

bool ModelRouter::fill_from_entry(const Entry& entry, std::string_view name,
                                  Resolution& out) const {
    uint8_t n = 0;
    for (uint32_t i = 0; i < entry.target_count; ++i) {
        const Target& t = targets_[entry.first_target + i];
        const Provider& provider = providers_[t.provider];
        const std::string_view candidate = t.model.empty() ? name : std::string_view(t.model);
        if (!admits(provider, candidate)) {
            continue;
        }
        out.targets[n++] = ResolvedTarget{t.provider, t.weight, mapped(provider, candidate)};
    }
    if (n == 0) {
        return false;
    }
    out.target_count = n;
    out.entry = entry.name;
    out.fallbacks = std::span<const std::string>(fallbacks_.data() + entry.first_fallback,
                                                 entry.fallback_count);
    return true;
}

bool ModelRouter::fill_from_builtin(std::string_view name, Resolution& out) const {
    const std::optional<keys::ProviderType> type = builtin_rule_type(name);
    if (!type) {
        return false;
    }
    for (size_t i = 0; i < providers_.size(); ++i) {
        const Provider& p = providers_[i];
        if (p.type == *type && admits(p, name)) {
            out.targets[0] = ResolvedTarget{static_cast<uint16_t>(i), 1, mapped(p, name)};
            out.target_count = 1;
            return true;
        }
    }
    return false;
}

bool ModelRouter::admits(const Provider& provider, std::string_view model) const {
    if (provider.exact_models.empty() && provider.glob_models.empty()) {
        return true;
    }
    if (std::binary_search(provider.exact_models.begin(), provider.exact_models.end(), model)) {
        return true;
    }
    return std::any_of(provider.glob_models.begin(), provider.glob_models.end(),
                       [&](const std::string& g) { return glob_match(g, model); });
}

std::string_view ModelRouter::mapped(const Provider& provider, std::string_view model) const {
    auto it = std::lower_bound(
        provider.mapping.begin(), provider.mapping.end(), model,
        [](const keys::ModelMapping& m, std::string_view name) { return m.from < name; });
    if (it != provider.mapping.end() && it->from == model) {
        return it->to;
    }
    return model;
}

}  // namespace rg::proxy
