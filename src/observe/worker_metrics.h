// WorkerMetrics: one writer thread's metric values (a worker shard, or the control
// thread). The owner increments plain integers addressed by small ids: each value is an
// atomic it alone writes, updated with a relaxed load + store (no locked instruction), so a
// scraper on another thread reads it with a relaxed load, untorn. Series (one label
// combination of a family) are created by the owner on first use, without locks: a
// worker-private open-addressing table keyed by a 64-bit hash of the label values, and an
// append-only series array the scraper reads up to the count published with release.
// Fixed capacity, allocated once; past it lookups return a sink and count an overflow.
// Lifecycle: made by Registry::add_block on the control thread; series may also be created
// by the control thread before the owner starts.
#pragma once

#include <atomic>
#include <cstdint>
#include <memory>
#include <span>
#include <string_view>

#include "observe/metric_family.h"
#include "observe/observe_limits.h"
#include "observe/utf8.h"

namespace rg::observe {

using FamilyId = uint16_t;

// Handles returned by lookups; copy freely, valid for the block that returned them.
struct CounterId {
    uint32_t cell = 0;
};
struct GaugeId {
    uint32_t cell = 0;
};
struct HistogramId {
    uint32_t series = 0;
};

// Counted by every block: lookups that found the block full. Registry appends it to the
// families it is given; a block expects it as the last family.
inline constexpr MetricFamily overflow_family{
    "ringgate_metrics_series_overflow_total",
    "Metric series lookups refused because a worker's series table was full; their "
    "observations went to a sink.",
    MetricType::counter,
    {}};

struct Capacity {
    uint32_t series = limits::series_default;
    // Values: 1 per counter or gauge series, buckets + 2 per histogram series.
    uint32_t cells = 8 * limits::series_default;
    uint32_t label_bytes = 32 * limits::series_default;
};

class WorkerMetrics {
  public:
    // A series as the scraper sees it: immutable once published.
    struct Series {
        uint64_t hash = 0;
        std::span<const uint64_t> bounds;  // histograms only
        uint32_t cell = 0;
        uint32_t label_offset = 0;
        FamilyId family = 0;
        uint16_t label_bytes[limits::labels_max] = {};
    };

    WorkerMetrics(std::span<const MetricFamily> families, const Capacity& capacity);
    WorkerMetrics(const WorkerMetrics&) = delete;
    WorkerMetrics& operator=(const WorkerMetrics&) = delete;
    ~WorkerMetrics();

    // --- Owner thread: lookups (hash + probe; creates the series on first use) -------
    // `values` has one entry per label of the family, in declaration order; each is cut
    // to limits::label_value_bytes_max at a UTF-8 boundary and copied when the series is
    // created. Asserts the family's type. On a full table: the sink, and an overflow.
    CounterId counter(FamilyId family, std::span<const std::string_view> values = {});
    GaugeId gauge(FamilyId family, std::span<const std::string_view> values = {});
    HistogramId histogram(FamilyId family, std::span<const std::string_view> values = {});

    // --- Owner thread: the hot path (a load and a store, no allocation) --------------
    void add(CounterId c, uint64_t n = 1) { bump(c.cell, n); }
    // Mirrors a count kept elsewhere (a component's own counter, published once a turn).
    void set(CounterId c, uint64_t v) { store(c.cell, v); }
    void add(GaugeId g, int64_t delta) { bump(g.cell, static_cast<uint64_t>(delta)); }
    void set(GaugeId g, int64_t v) { store(g.cell, static_cast<uint64_t>(v)); }
    void observe(HistogramId h, uint64_t value) {
        const Series& s = series_[h.series];
        bump(s.cell + bucket_index(Buckets{s.bounds}, value), 1);
        bump(s.cell + static_cast<uint32_t>(s.bounds.size()) + 1, value);
    }

    // --- Any thread (the scraper) ----------------------------------------------------
    uint32_t published() const { return published_.load(std::memory_order_acquire); }
    // Valid for i < published().
    const Series& series(uint32_t i) const { return series_[i]; }
    std::string_view label(const Series& s, uint32_t k) const;
    uint64_t cell(uint32_t i) const { return cells_[i].load(std::memory_order_relaxed); }
    uint64_t overflows() const { return cell(overflow_.cell); }

    // Series index 0 is the sink (never rendered); real series start at 1.
    static constexpr uint32_t first_series = 1;

  private:
    uint32_t find_or_create(FamilyId family, MetricType type,
                            std::span<const std::string_view> values);
    uint32_t create(FamilyId family, uint64_t hash, std::span<const std::string_view> values);
    bool matches(const Series& s, FamilyId family, std::span<const std::string_view> v) const;
    void bump(uint32_t i, uint64_t n) {
        cells_[i].store(cells_[i].load(std::memory_order_relaxed) + n, std::memory_order_relaxed);
    }
    void store(uint32_t i, uint64_t v) { cells_[i].store(v, std::memory_order_relaxed); }

    struct Slot {
        uint64_t hash = 0;
        uint32_t series = 0;  // 0: empty
    };

    std::span<const MetricFamily> families_;
    Capacity capacity_;
    std::unique_ptr<std::atomic<uint64_t>[]> cells_;
    std::unique_ptr<Series[]> series_;
    std::unique_ptr<char[]> labels_;
    std::unique_ptr<Slot[]> table_;
    uint32_t table_mask_ = 0;
    uint32_t series_used_ = 0;  // owner-only mirror of published_
    uint32_t cells_used_ = 0;
    uint32_t label_bytes_used_ = 0;
    CounterId overflow_;
    alignas(64) std::atomic<uint32_t> published_{0};
};

// Hash of a family id and its label values (lengths included, so ("ab","c") and
// ("a","bc") differ). 8 bytes per step; collisions are resolved by comparing values.
uint64_t series_hash(FamilyId family, std::span<const std::string_view> values);

}  // namespace rg::observe
