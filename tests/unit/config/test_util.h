// Helpers shared by the config tests: an injectable environment and loaders that keep the
// not-implemented check out of the way when a test exercises validation.
#pragma once

#include <map>
#include <sstream>
#include <string>
#include <string_view>
#include <utility>

#include "config/config.h"

namespace rg::config::testing {

class FakeEnv {
  public:
    FakeEnv() = default;
    FakeEnv(std::initializer_list<std::pair<const std::string, std::string>> vars) : vars_(vars) {}

    EnvLookup lookup() const {
        return [this](const std::string& name) -> const char* {
            auto it = vars_.find(name);
            return it == vars_.end() ? nullptr : it->second.c_str();
        };
    }

  private:
    std::map<std::string, std::string> vars_;
};

// Loads with every section allowed (the not-implemented check off).
inline LoadResult load_all_sections(std::string_view yaml, const FakeEnv& env = {}) {
    LoadOptions options;
    options.allow_unimplemented_for_test = true;
    return load_string(yaml, "test.yaml", env.lookup(), options);
}

// Loads as the product does (the not-implemented check on).
inline LoadResult load_as_built(std::string_view yaml, const FakeEnv& env = {}) {
    return load_string(yaml, "test.yaml", env.lookup());
}

// "line:column: message" per error, for readable assertion failures.
inline std::string errors_text(const LoadResult& result) {
    std::ostringstream out;
    for (const Diagnostic& d : result.errors) {
        out << d.line << ':' << d.column << ": " << d.message << '\n';
    }
    return out.str();
}

inline std::string data_path(std::string_view name) {
    return std::string(RG_CONFIG_TEST_DATA) + "/" + std::string(name);
}

}  // namespace rg::config::testing
