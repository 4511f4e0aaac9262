#include "config/suggest.h"

#include <algorithm>

namespace rg::config::detail {

size_t edit_distance(std::string_view a, std::string_view b) {
    // Optimal string alignment over three rolling rows; config keys are short.
    std::vector<size_t> before(b.size() + 1);
    std::vector<size_t> previous(b.size() + 1);
    std::vector<size_t> current(b.size() + 1);
    for (size_t j = 0; j <= b.size(); ++j) {
        previous[j] = j;
    }
    for (size_t i = 1; i <= a.size(); ++i) {
        current[0] = i;
        for (size_t j = 1; j <= b.size(); ++j) {
            size_t cost = a[i - 1] == b[j - 1] ? 0 : 1;
            current[j] = std::min({previous[j] + 1, current[j - 1] + 1, previous[j - 1] + cost});
            if (i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1]) {
                current[j] = std::min(current[j], before[j - 2] + 1);
            }
        }
        std::swap(before, previous);
        std::swap(previous, current);
    }
    return previous[b.size()];
}

std::string_view closest_match(std::string_view word,
                               const std::vector<std::string_view>& candidates) {
    std::string_view best;
    size_t best_distance = 0;
    for (std::string_view candidate : candidates) {
        size_t distance = edit_distance(word, candidate);
        if (best.empty() || distance < best_distance) {
            best = candidate;
            best_distance = distance;
        }
    }
    size_t allowed = std::clamp<size_t>(best.size() / 3, 1, 3);
    return best_distance <= allowed ? best : std::string_view();
}

}  // namespace rg::config::detail
