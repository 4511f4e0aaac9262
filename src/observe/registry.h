// Registry: the metric families of the process (declared once, immutable) and one
// WorkerMetrics block per writer thread. A scrape sums every block per series and renders
// the Prometheus text format 0.0.4, families by name, series by label values, so the text
// is the same whatever order workers created their series in.
// Threads: built and given blocks on the control thread; render() and sum() run on one
// scraper thread at a time (the admin shard) while the owners keep writing.
#pragma once

#include <array>
#include <atomic>
#include <cstdint>
#include <memory>
#include <optional>
#include <span>
#include <string_view>
#include <vector>

#include "base/byte_buffer.h"
#include "observe/metric_family.h"
#include "observe/worker_metrics.h"

namespace rg::observe {

class Registry {
  public:
    // `families` must outlive the registry (a static constexpr table); each must pass
    // family_problem() and names must be unique, or this asserts. The overflow family is
    // appended after them.
    explicit Registry(std::span<const MetricFamily> families, const Capacity& capacity = {});
    Registry(const Registry&) = delete;
    Registry& operator=(const Registry&) = delete;
    ~Registry();

    // Control thread. The block lives as long as the registry; give it to one owner.
    WorkerMetrics& add_block();
    uint32_t block_count() const { return block_count_.load(std::memory_order_acquire); }
    std::span<const MetricFamily> families() const { return families_; }
    std::optional<FamilyId> find(std::string_view name) const;

    // Appends the exposition of every family (scraper thread). Allocates only scratch that
    // is kept for the next scrape.
    void render(ByteBuffer& out);
    // One series summed over blocks: the value of a counter or gauge (gauges as two's
    // complement), the observation count of a histogram; 0 when no block has it.
    uint64_t sum(FamilyId family, std::span<const std::string_view> values) const;
    // Histogram sum (in the family's unit) over blocks, for tests and health pages.
    uint64_t histogram_sum(FamilyId family, std::span<const std::string_view> values) const;

  private:
    struct Ref {
        const WorkerMetrics* block;
        const WorkerMetrics::Series* series;
        uint32_t rank;  // the family's position in name order
    };
    bool less(const Ref& a, const Ref& b) const;
    bool same_series(const Ref& a, const Ref& b) const;
    void collect();
    void render_family(ByteBuffer& out, uint32_t rank, size_t* next);
    void render_group(ByteBuffer& out, const MetricFamily& f, size_t begin, size_t end);
    uint64_t cell_sum(FamilyId family, std::span<const std::string_view> values,
                      bool histogram_sum) const;

    std::vector<MetricFamily> families_;
    std::vector<uint32_t> rank_;     // family id -> position in name order
    std::vector<FamilyId> by_name_;  // position in name order -> family id
    Capacity capacity_;
    std::vector<std::unique_ptr<WorkerMetrics>> owned_;  // control thread only
    std::array<std::atomic<WorkerMetrics*>, limits::blocks_max> blocks_{};
    std::atomic<uint32_t> block_count_{0};
    std::vector<Ref> refs_;  // scrape scratch
    ByteBuffer labels_;      // scrape scratch: one series' rendered label pairs
    ByteBuffer le_;          // scrape scratch: one bucket's le pair
};

}  // namespace rg::observe
