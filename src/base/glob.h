// Glob matching for model names: `*` matches any run of characters, `?` any one character.
// Pure; any thread.
#pragma once

#include <string_view>

namespace rg {

bool glob_match(std::string_view pattern, std::string_view text);
inline bool is_glob(std::string_view pattern) {
    return pattern.find_first_of("*?") != std::string_view::npos;
}

}  // namespace rg
