// Pricing: public model name -> price entry of the `pricing:` section. Immutable once built
// on the control thread with a config snapshot; lookups from any worker, no allocation.
#pragma once

#include <string_view>
#include <vector>

#include "limits/options.h"

namespace rg::limits {

class Pricing {
  public:
    Pricing() = default;
    explicit Pricing(std::vector<PriceOptions> prices);

    // An entry whose name equals `model` first (the first such in config order), then the
    // first glob in config order that matches; null if none: the model is not priced.
    const PriceOptions* find(std::string_view model) const;
    size_t size() const { return prices_.size(); }

  private:
    std::vector<PriceOptions> prices_;  // config order
    std::vector<uint32_t> exact_;       // indexes of plain names, sorted by name (stable)
    std::vector<uint32_t> globs_;       // indexes of globs, config order
};

}  // namespace rg::limits
