// Internal to config/. Checks across entries, run after the schema walk: unique names,
// references between sections (targets -> providers, fallbacks -> models) and fallback
// cycles. No yaml-cpp here: positions come from the PathIndex behind the ErrorSink.
// Control thread only.
#pragma once

#include <optional>
#include <string_view>
#include <vector>

#include "config/path_index.h"
#include "config/snapshot.h"

namespace rg::config::detail {

void validate(const Snapshot& s, ErrorSink& sink);

// The `models` entry a public name resolves to: the entry of that exact name, else the
// first glob entry (in file order) matching it; nullopt when none does.
std::optional<size_t> resolve_model(const std::vector<proxy::ModelOptions>& models,
                                    std::string_view name);
// The provider type the built-in routing rules send `name` to: gpt-*, o1*, o3*, o4* ->
// openai; claude* -> anthropic; gemini* -> gemini.
std::optional<keys::ProviderType> builtin_rule_type(std::string_view name);

}  // namespace rg::config::detail
