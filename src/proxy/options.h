// Options of request routing: public model names, their targets and fallbacks.
// Plain data filled by config/ from the `models:` and `routing:` sections; read-only
// afterwards, as part of an immutable snapshot.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace rg::proxy {

struct TargetOptions {
    std::string provider;  // a provider name
    std::string model;     // upstream model; empty: keep the name the client asked for
    uint32_t weight = 1;
};

struct ModelOptions {
    // Public name clients ask for; may be a glob ('*' any run, '?' one character).
    // A name resolves to the entry of that exact name first, then to the first glob entry
    // (in file order) that matches, then to the built-in rules.
    std::string name;
    std::vector<TargetOptions> targets;  // at least one
    std::vector<std::string> fallbacks;  // public names tried in order when targets fail
};

struct RoutingOptions {
    std::string strip_prefix;   // "Proxy/": "Proxy/gpt-4" is served as "gpt-4"
    bool builtin_rules = true;  // gpt-*, o1*, o3*, o4* -> first openai provider;
                                // claude* -> first anthropic; gemini* -> first gemini
};

}  // namespace rg::proxy
