#include "observe/worker_metrics.h"

#include <cstring>

#include "base/assert.h"

namespace rg::observe {
namespace {

constexpr uint64_t mix_k = 0x9e3779b97f4a7c15ull;

uint64_t mix(uint64_t h, uint64_t v) {
    h = (h ^ v) * mix_k;
    return h ^ (h >> 29);
}

uint32_t table_size_for(uint32_t series) {
    uint32_t n = 16;
    while (n < 2 * series) {
        n *= 2;
    }
    return n;
}

uint32_t cells_for(const MetricFamily& f) {
    if (f.type == MetricType::histogram) {
        return static_cast<uint32_t>(f.buckets.bounds.size()) + 2;  // buckets, +Inf, sum
    }
    return 1;
}

}  // namespace

uint64_t series_hash(FamilyId family, std::span<const std::string_view> values) {
    uint64_t h = mix(0x243f6a8885a308d3ull, family);
    for (std::string_view v : values) {
        h = mix(h, v.size());
        size_t i = 0;
        for (; i + 8 <= v.size(); i += 8) {
            uint64_t w;
            std::memcpy(&w, v.data() + i, 8);
            h = mix(h, w);
        }
        if (i < v.size()) {
            uint64_t w = 0;
            std::memcpy(&w, v.data() + i, v.size() - i);
            h = mix(h, w);
        }
    }
    return h ^ (h >> 32);
}

WorkerMetrics::WorkerMetrics(std::span<const MetricFamily> families, const Capacity& capacity)
    : families_(families), capacity_(capacity) {
    RG_ASSERT(!families.empty() && std::strcmp(families.back().name, overflow_family.name) == 0);
    RG_ASSERT(capacity.series >= families.size() + 1 && capacity.series <= limits::series_max);
    uint32_t fixed_cells = 3;  // sink (2) and the overflow counter
    for (const MetricFamily& f : families) {
        fixed_cells += f.labels.empty() ? cells_for(f) : 0;
    }
    RG_ASSERT(capacity.cells >= fixed_cells);
    cells_ = std::make_unique<std::atomic<uint64_t>[]>(capacity.cells);
    series_ = std::make_unique<Series[]>(capacity.series);
    labels_ = std::make_unique<char[]>(capacity.label_bytes);
    uint32_t table = table_size_for(capacity.series);
    table_ = std::make_unique<Slot[]>(table);
    table_mask_ = table - 1;
    // Series 0 is the sink: no bounds, so a histogram handle on it writes cells 0 and 1.
    series_used_ = 1;
    cells_used_ = 2;
    published_.store(1, std::memory_order_release);
    overflow_ = counter(static_cast<FamilyId>(families.size() - 1));
    // Unlabelled families always exist, so they render (as 0) before their first event.
    for (size_t f = 0; f + 1 < families.size(); ++f) {
        if (families[f].labels.empty()) {
            find_or_create(static_cast<FamilyId>(f), families[f].type, {});
        }
    }
}

WorkerMetrics::~WorkerMetrics() = default;

CounterId WorkerMetrics::counter(FamilyId family, std::span<const std::string_view> values) {
    uint32_t s = find_or_create(family, MetricType::counter, values);
    return CounterId{series_[s].cell};
}

GaugeId WorkerMetrics::gauge(FamilyId family, std::span<const std::string_view> values) {
    uint32_t s = find_or_create(family, MetricType::gauge, values);
    return GaugeId{series_[s].cell};
}

HistogramId WorkerMetrics::histogram(FamilyId family, std::span<const std::string_view> values) {
    return HistogramId{find_or_create(family, MetricType::histogram, values)};
}

std::string_view WorkerMetrics::label(const Series& s, uint32_t k) const {
    uint32_t offset = s.label_offset;
    for (uint32_t i = 0; i < k; ++i) {
        offset += s.label_bytes[i];
    }
    return {labels_.get() + offset, s.label_bytes[k]};
}

bool WorkerMetrics::matches(const Series& s, FamilyId family,
                            std::span<const std::string_view> v) const {
    if (s.family != family) {
        return false;
    }
    const char* p = labels_.get() + s.label_offset;
    for (size_t k = 0; k < v.size(); ++k) {
        if (s.label_bytes[k] != v[k].size()) {
            return false;
        }
        if (!v[k].empty() && std::memcmp(p, v[k].data(), v[k].size()) != 0) {
            return false;
        }
        p += v[k].size();
    }
    return true;
}

uint32_t WorkerMetrics::find_or_create(FamilyId family, MetricType type,
                                       std::span<const std::string_view> values) {
    RG_ASSERT(family < families_.size());
    const MetricFamily& f = families_[family];
    RG_ASSERT(f.type == type && values.size() == f.labels.size());
    std::string_view cut[limits::labels_max];
    for (size_t k = 0; k < values.size(); ++k) {
        cut[k] = cut_utf8(values[k], limits::label_value_bytes_max);
    }
    std::span<const std::string_view> v(cut, values.size());
    uint64_t hash = series_hash(family, v);
    for (uint32_t i = static_cast<uint32_t>(hash) & table_mask_;; i = (i + 1) & table_mask_) {
        Slot& slot = table_[i];
        if (slot.series == 0) {
            uint32_t s = create(family, hash, v);
            if (s != 0) {
                slot = Slot{hash, s};
            }
            return s;
        }
        if (slot.hash == hash && matches(series_[slot.series], family, v)) {
            return slot.series;
        }
    }
}

uint32_t WorkerMetrics::create(FamilyId family, uint64_t hash,
                               std::span<const std::string_view> values) {
    const MetricFamily& f = families_[family];
    uint32_t bytes = 0;
    for (std::string_view v : values) {
        bytes += static_cast<uint32_t>(v.size());
    }
    uint32_t cells = cells_for(f);
    if (series_used_ == capacity_.series || capacity_.cells - cells_used_ < cells ||
        capacity_.label_bytes - label_bytes_used_ < bytes) {
        add(overflow_);
        return 0;
    }
    Series& s = series_[series_used_];
    s.hash = hash;
    s.bounds = f.buckets.bounds;
    s.cell = cells_used_;
    s.label_offset = label_bytes_used_;
    s.family = family;
    for (size_t k = 0; k < values.size(); ++k) {
        s.label_bytes[k] = static_cast<uint16_t>(values[k].size());
        if (!values[k].empty()) {  // an empty view's data() may be null
            std::memcpy(labels_.get() + label_bytes_used_, values[k].data(), values[k].size());
        }
        label_bytes_used_ += static_cast<uint32_t>(values[k].size());
    }
    cells_used_ += cells;
    // Release: the scraper that sees the new count also sees the record and its labels.
    published_.store(++series_used_, std::memory_order_release);
    return series_used_ - 1;
}

}  // namespace rg::observe
