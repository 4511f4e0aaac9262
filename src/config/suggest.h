// Internal to config/. "Did you mean" hints for unknown keys and enum values. Pure.
#pragma once

#include <cstddef>
#include <string_view>
#include <vector>

namespace rg::config::detail {

// Edit distance counting insertions, deletions, substitutions and swaps of adjacent
// characters ("wokrers" -> "workers" is 1), case-sensitive.
size_t edit_distance(std::string_view a, std::string_view b);

// The candidate closest to `word` when it is close enough to be a likely typo (distance 1
// for short words, up to 3 for long ones); empty when none is.
std::string_view closest_match(std::string_view word,
                               const std::vector<std::string_view>& candidates);

}  // namespace rg::config::detail
