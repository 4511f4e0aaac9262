#include "limits/pricing.h"

#include <algorithm>

#include "base/glob.h"

namespace rg::limits {

Pricing::Pricing(std::vector<PriceOptions> prices) : prices_(std::move(prices)) {
    for (uint32_t i = 0; i < prices_.size(); ++i) {
        (is_glob(prices_[i].model) ? globs_ : exact_).push_back(i);
    }
    std::stable_sort(exact_.begin(), exact_.end(), [this](uint32_t a, uint32_t b) {
        return prices_[a].model < prices_[b].model;
    });
}

const PriceOptions* Pricing::find(std::string_view model) const {
    auto it = std::lower_bound(
        exact_.begin(), exact_.end(), model,
        [this](uint32_t i, std::string_view m) { return std::string_view(prices_[i].model) < m; });
    if (it != exact_.end() && prices_[*it].model == model) {
        return &prices_[*it];
    }
    for (uint32_t i : globs_) {
        if (glob_match(prices_[i].model, model)) {
            return &prices_[i];
        }
    }
    return nullptr;
}

}  // namespace rg::limits
