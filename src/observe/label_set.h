// LabelSet: the values one label may take (models, providers, routes from the config),
// so a value that comes from a client cannot create series without bound. Anything not in
// the set collapses into "other": a client asking for a thousand made-up models adds one
// series, not a thousand. Built on the control thread with each config snapshot, then
// immutable and read by any thread without locks; lookup is a hash and one compare, no
// allocation.
#pragma once

#include <cstdint>
#include <memory>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace rg::observe {

class LabelSet {
  public:
    static constexpr std::string_view other = "other";

    LabelSet() = default;
    // Duplicates are kept once; values are cut like label values (limits.h).
    explicit LabelSet(std::span<const std::string_view> values);
    explicit LabelSet(std::span<const std::string> values);

    // The stored copy of `v` when the set holds it, else "other". The view stays valid
    // as long as the set.
    std::string_view canonical(std::string_view v) const;
    bool contains(std::string_view v) const { return find(v) != nullptr; }
    size_t size() const { return values_.size(); }
    // Dense position of `v` in the set (insertion order, duplicates dropped), or size()
    // for "other": an index for per-value arrays. value(size()) is "other".
    uint32_t index(std::string_view v) const;
    std::string_view value(uint32_t i) const {
        return i < values_.size() ? std::string_view(values_[i]) : other;
    }

  private:
    void build(std::span<const std::string_view> values);
    const std::string* find(std::string_view v) const;

    std::vector<std::string> values_;
    std::vector<uint32_t> table_;  // open addressing: index + 1 into values_, 0 = empty
    uint32_t mask_ = 0;
};

// "1xx" .. "5xx" for an HTTP status, "other" outside 100..599 (a status label has 6
// values at most).
std::string_view status_class(uint32_t status);

}  // namespace rg::observe
