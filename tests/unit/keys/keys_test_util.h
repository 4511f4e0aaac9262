// Builders shared by the key table and selector tests.
#pragma once

#include <string>
#include <vector>

#include "keys/key_table.h"

namespace rg::keys::test {

// Keys "<name>-0", "<name>-1", ... with the given weights.
inline ProviderOptions provider(const std::string& name, std::vector<uint32_t> weights,
                                Strategy strategy = Strategy::weighted) {
    ProviderOptions p;
    p.name = name;
    p.strategy = strategy;
    for (size_t i = 0; i < weights.size(); ++i) {
        p.keys.push_back(KeyOptions{name + "-" + std::to_string(i), "sk-test", weights[i]});
    }
    return p;
}

// Small numbers so that every deadline in a test is easy to compute by hand.
inline HealthPolicy small_policy() {
    HealthPolicy h;
    h.circuit_failures = 3;
    h.circuit_open_ms = 100;
    h.circuit_open_max_ms = 400;
    h.cooldown_base_ms = 10;
    h.cooldown_max_ms = 80;
    h.reprobe_ms = 1000;
    h.probe_lease_ms = 500;
    return h;
}

}  // namespace rg::keys::test
