#include "observe/label_set.h"

#include "observe/observe_limits.h"
#include "observe/worker_metrics.h"

namespace rg::observe {
namespace {

uint64_t value_hash(std::string_view v) {
    return series_hash(0, std::span<const std::string_view>(&v, 1));
}

}  // namespace

LabelSet::LabelSet(std::span<const std::string_view> values) {
    build(values);
}

LabelSet::LabelSet(std::span<const std::string> values) {
    std::vector<std::string_view> views(values.begin(), values.end());
    build(views);
}

void LabelSet::build(std::span<const std::string_view> values) {
    uint32_t size = 8;
    while (size < 2 * values.size()) {
        size *= 2;
    }
    table_.assign(size, 0);
    mask_ = size - 1;
    values_.reserve(values.size());
    for (std::string_view raw : values) {
        std::string_view v = cut_utf8(raw, limits::label_value_bytes_max);
        if (find(v) != nullptr) {
            continue;
        }
        values_.emplace_back(v);
        uint32_t i = static_cast<uint32_t>(value_hash(v)) & mask_;
        while (table_[i] != 0) {
            i = (i + 1) & mask_;
        }
        table_[i] = static_cast<uint32_t>(values_.size());
    }
}

const std::string* LabelSet::find(std::string_view raw) const {
    if (table_.empty()) {
        return nullptr;
    }
    std::string_view v = cut_utf8(raw, limits::label_value_bytes_max);
    for (uint32_t i = static_cast<uint32_t>(value_hash(v)) & mask_; table_[i] != 0;
         i = (i + 1) & mask_) {
        const std::string& s = values_[table_[i] - 1];
        if (s == v) {
            return &s;
        }
    }
    return nullptr;
}

std::string_view LabelSet::canonical(std::string_view v) const {
    const std::string* s = find(v);
    return s != nullptr ? std::string_view(*s) : other;
}

uint32_t LabelSet::index(std::string_view v) const {
    const std::string* s = find(v);
    return s != nullptr ? static_cast<uint32_t>(s - values_.data()) : static_cast<uint32_t>(size());
}

std::string_view status_class(uint32_t status) {
    static constexpr std::string_view classes[] = {"1xx", "2xx", "3xx", "4xx", "5xx"};
    if (status < 100 || status > 599) {
        return LabelSet::other;
    }
    return classes[status / 100 - 1];
}

}  // namespace rg::observe
