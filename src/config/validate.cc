#include "config/validate.h"

#include <string>
#include <unordered_map>

#include "config/suggest.h"
#include "config/values.h"

namespace rg::config::detail {
namespace {

std::string field_path(std::string_view list, size_t index, std::string_view key) {
    return child_path(item_path(list, index), key);
}

// Reports the second and later entries whose name an earlier entry already has.
template <typename Entries, typename NameOf>
void check_unique(const Entries& entries, std::string_view list, std::string_view key,
                  NameOf name_of, ErrorSink& sink) {
    std::unordered_map<std::string_view, size_t> first;
    for (size_t i = 0; i < entries.size(); ++i) {
        std::string_view name = name_of(entries[i]);
        if (name.empty()) {
            continue;  // missing: reported by the walk
        }
        auto [it, inserted] = first.emplace(name, i);
        if (!inserted) {
            sink.error(field_path(list, i, key), "duplicate '" + std::string(name) +
                                                     "' (first in " + item_path(list, it->second) +
                                                     ")");
        }
    }
}

void check_providers(const Snapshot& s, ErrorSink& sink) {
    check_unique(
        s.providers, "providers", "name", [](const auto& p) -> std::string_view { return p.name; },
        sink);
    for (size_t i = 0; i < s.providers.size(); ++i) {
        check_unique(
            s.providers[i].keys, child_path(item_path("providers", i), "keys"), "id",
            [](const auto& k) -> std::string_view { return k.id; }, sink);
    }
}

const keys::ProviderOptions* find_provider(const Snapshot& s, std::string_view name) {
    for (const keys::ProviderOptions& p : s.providers) {
        if (p.name == name) {
            return &p;
        }
    }
    return nullptr;
}

void check_targets(const Snapshot& s, size_t model, ErrorSink& sink) {
    std::vector<std::string_view> names;
    for (const keys::ProviderOptions& p : s.providers) {
        names.push_back(p.name);
    }
    const auto& targets = s.models[model].targets;
    for (size_t t = 0; t < targets.size(); ++t) {
        const std::string& provider = targets[t].provider;
        if (provider.empty() || find_provider(s, provider) != nullptr) {
            continue;
        }
        std::string message = "no provider named '" + provider + "'";
        std::string_view hint = closest_match(provider, names);
        if (!hint.empty()) {
            message += "; did you mean '" + std::string(hint) + "'?";
        }
        std::string list = child_path(item_path("models", model), "targets");
        sink.error(field_path(list, t, "provider"), message);
    }
}

bool builtin_resolves(const Snapshot& s, std::string_view name) {
    auto type = builtin_rule_type(name);
    if (!s.routing.builtin_rules || !type) {
        return false;
    }
    for (const keys::ProviderOptions& p : s.providers) {
        if (p.type == *type) {
            return true;
        }
    }
    return false;
}

void check_fallbacks(const Snapshot& s, size_t model, ErrorSink& sink) {
    const auto& fallbacks = s.models[model].fallbacks;
    for (size_t k = 0; k < fallbacks.size(); ++k) {
        if (resolve_model(s.models, fallbacks[k]) || builtin_resolves(s, fallbacks[k])) {
            continue;
        }
        std::string list = child_path(item_path("models", model), "fallbacks");
        sink.error(item_path(list, k),
                   "'" + fallbacks[k] + "' matches no models entry" +
                       (s.routing.builtin_rules ? " and no built-in rule with a provider" : ""));
    }
}

// Fallback edges between models entries, then a depth-first search: every edge back to an
// entry still on the stack closes a cycle, reported once with its path.
class CycleFinder {
  public:
    CycleFinder(const Snapshot& s, ErrorSink& sink) : models_(s.models), sink_(sink) {
        edges_.resize(models_.size());
        for (size_t i = 0; i < models_.size(); ++i) {
            const auto& fallbacks = models_[i].fallbacks;
            for (size_t k = 0; k < fallbacks.size(); ++k) {
                if (auto j = resolve_model(models_, fallbacks[k])) {
                    edges_[i].push_back(Edge{*j, k});
                }
            }
        }
    }

    void run() {
        state_.assign(models_.size(), State::unvisited);
        for (size_t i = 0; i < models_.size(); ++i) {
            if (state_[i] == State::unvisited) {
                search(i);
            }
        }
    }

  private:
    enum class State : uint8_t { unvisited, on_stack, done };
    struct Edge {
        size_t to;
        size_t fallback;  // index in the `fallbacks` list of the edge's source
    };
    struct Frame {
        size_t node;
        size_t next_edge;
    };

    // Iterative: a long fallback chain must not exhaust the thread's stack.
    void search(size_t start) {
        std::vector<Frame> stack{{start, 0}};
        state_[start] = State::on_stack;
        while (!stack.empty()) {
            Frame& top = stack.back();
            if (top.next_edge == edges_[top.node].size()) {
                state_[top.node] = State::done;
                stack.pop_back();
                continue;
            }
            const Edge& edge = edges_[top.node][top.next_edge++];
            if (state_[edge.to] == State::on_stack) {
                report(stack, top.node, edge);
            } else if (state_[edge.to] == State::unvisited) {
                state_[edge.to] = State::on_stack;
                stack.push_back(Frame{edge.to, 0});
            }
        }
    }

    void report(const std::vector<Frame>& stack, size_t from, const Edge& edge) {
        std::string cycle;
        bool in_cycle = false;
        for (const Frame& frame : stack) {
            in_cycle = in_cycle || frame.node == edge.to;
            if (in_cycle) {
                cycle += models_[frame.node].name + " -> ";
            }
        }
        cycle += models_[edge.to].name;
        std::string list = child_path(item_path("models", from), "fallbacks");
        sink_.error(item_path(list, edge.fallback), "fallback cycle: " + cycle);
    }

    const std::vector<proxy::ModelOptions>& models_;
    ErrorSink& sink_;
    std::vector<std::vector<Edge>> edges_;
    std::vector<State> state_;
};

void check_models(const Snapshot& s, ErrorSink& sink) {
    check_unique(
        s.models, "models", "name", [](const auto& m) -> std::string_view { return m.name; }, sink);
    for (size_t i = 0; i < s.models.size(); ++i) {
        check_targets(s, i, sink);
        check_fallbacks(s, i, sink);
    }
    CycleFinder(s, sink).run();
}

void check_client_keys(const Snapshot& s, ErrorSink& sink) {
    check_unique(
        s.client_keys, "client_keys", "name",
        [](const auto& c) -> std::string_view { return c.name; }, sink);
    std::unordered_map<std::string_view, size_t> first;
    for (size_t i = 0; i < s.client_keys.size(); ++i) {
        const std::string& digest = s.client_keys[i].key_sha256;
        if (digest.empty()) {
            continue;
        }
        auto [it, inserted] = first.emplace(digest, i);
        if (!inserted) {
            sink.error(item_path("client_keys", i), "the same key as client_keys[" +
                                                        std::to_string(it->second) + "] ('" +
                                                        s.client_keys[it->second].name + "')");
        }
    }
}

}  // namespace

std::optional<size_t> resolve_model(const std::vector<proxy::ModelOptions>& models,
                                    std::string_view name) {
    for (size_t i = 0; i < models.size(); ++i) {
        if (models[i].name == name) {
            return i;
        }
    }
    for (size_t i = 0; i < models.size(); ++i) {
        if (is_glob(models[i].name) && glob_match(models[i].name, name)) {
            return i;
        }
    }
    return std::nullopt;
}

std::optional<keys::ProviderType> builtin_rule_type(std::string_view name) {
    static constexpr struct {
        std::string_view prefix;
        keys::ProviderType type;
    } rules[] = {
        {"gpt-", keys::ProviderType::openai},      {"o1", keys::ProviderType::openai},
        {"o3", keys::ProviderType::openai},        {"o4", keys::ProviderType::openai},
        {"claude", keys::ProviderType::anthropic}, {"gemini", keys::ProviderType::gemini},
    };
    for (const auto& rule : rules) {
        if (name.substr(0, rule.prefix.size()) == rule.prefix) {
            return rule.type;
        }
    }
    return std::nullopt;
}

void validate(const Snapshot& s, ErrorSink& sink) {
    check_providers(s, sink);
    check_models(s, sink);
    check_client_keys(s, sink);
}

}  // namespace rg::config::detail
