#include "observe/registry.h"

#include <algorithm>
#include <cstring>

#include "base/assert.h"
#include "observe/text_format.h"

namespace rg::observe {

Registry::Registry(std::span<const MetricFamily> families, const Capacity& capacity)
    : families_(families.begin(), families.end()), capacity_(capacity) {
    families_.push_back(overflow_family);
    RG_ASSERT(families_.size() <= limits::families_max);
    for (size_t i = 0; i < families_.size(); ++i) {
        RG_ASSERT(family_problem(families_[i]) == nullptr);
        by_name_.push_back(static_cast<FamilyId>(i));
    }
    std::sort(by_name_.begin(), by_name_.end(), [this](FamilyId a, FamilyId b) {
        return std::strcmp(families_[a].name, families_[b].name) < 0;
    });
    rank_.resize(families_.size());
    for (size_t r = 0; r < by_name_.size(); ++r) {
        rank_[by_name_[r]] = static_cast<uint32_t>(r);
        if (r > 0) {
            RG_ASSERT(std::strcmp(families_[by_name_[r - 1]].name, families_[by_name_[r]].name) !=
                      0);
        }
    }
}

Registry::~Registry() = default;

WorkerMetrics& Registry::add_block() {
    uint32_t n = block_count_.load(std::memory_order_relaxed);
    RG_ASSERT(n < limits::blocks_max);
    owned_.push_back(std::make_unique<WorkerMetrics>(families_, capacity_));
    blocks_[n].store(owned_.back().get(), std::memory_order_release);
    block_count_.store(n + 1, std::memory_order_release);
    return *owned_.back();
}

std::optional<FamilyId> Registry::find(std::string_view name) const {
    for (size_t i = 0; i < families_.size(); ++i) {
        if (name == families_[i].name) {
            return static_cast<FamilyId>(i);
        }
    }
    return std::nullopt;
}

bool Registry::less(const Ref& a, const Ref& b) const {
    if (a.rank != b.rank) {
        return a.rank < b.rank;
    }
    size_t labels = families_[a.series->family].labels.size();
    for (uint32_t k = 0; k < labels; ++k) {
        int c = a.block->label(*a.series, k).compare(b.block->label(*b.series, k));
        if (c != 0) {
            return c < 0;
        }
    }
    return false;
}

bool Registry::same_series(const Ref& a, const Ref& b) const {
    return a.rank == b.rank && a.series->hash == b.series->hash && !less(a, b) && !less(b, a);
}

void Registry::collect() {
    refs_.clear();
    uint32_t blocks = block_count();
    for (uint32_t b = 0; b < blocks; ++b) {
        const WorkerMetrics* block = blocks_[b].load(std::memory_order_acquire);
        uint32_t n = block->published();
        for (uint32_t i = WorkerMetrics::first_series; i < n; ++i) {
            const WorkerMetrics::Series& s = block->series(i);
            refs_.push_back(Ref{block, &s, rank_[s.family]});
        }
    }
    std::sort(refs_.begin(), refs_.end(),
              [this](const Ref& a, const Ref& b) { return less(a, b); });
}

void Registry::render(ByteBuffer& out) {
    collect();
    size_t next = 0;
    for (uint32_t r = 0; r < by_name_.size(); ++r) {
        render_family(out, r, &next);
    }
}

void Registry::render_family(ByteBuffer& out, uint32_t rank, size_t* next) {
    size_t begin = *next;
    size_t end = begin;
    while (end < refs_.size() && refs_[end].rank == rank) {
        ++end;
    }
    *next = end;
    if (begin == end) {
        return;  // a labelled family nobody has used yet: nothing to say
    }
    const MetricFamily& f = families_[by_name_[rank]];
    out.append("# HELP ");
    out.append(f.name);
    out.append_char(' ');
    append_help(out, f.help);
    out.append("\n# TYPE ");
    out.append(f.name);
    out.append_char(' ');
    out.append(metric_type_name(f.type));
    out.append_char('\n');
    while (begin < end) {
        size_t group_end = begin + 1;
        while (group_end < end && same_series(refs_[begin], refs_[group_end])) {
            ++group_end;
        }
        render_group(out, f, begin, group_end);
        begin = group_end;
    }
}

namespace {

void sample(ByteBuffer& out, const MetricFamily& f, const char* suffix, std::string_view labels,
            std::string_view extra) {
    out.append(f.name);
    out.append(suffix);
    if (!labels.empty() || !extra.empty()) {
        out.append_char('{');
        out.append(labels);
        if (!labels.empty() && !extra.empty()) {
            out.append_char(',');
        }
        out.append(extra);
        out.append_char('}');
    }
    out.append_char(' ');
}

}  // namespace

void Registry::render_group(ByteBuffer& out, const MetricFamily& f, size_t begin, size_t end) {
    const Ref& first = refs_[begin];
    labels_.clear();
    for (uint32_t k = 0; k < f.labels.size(); ++k) {
        if (k > 0) {
            labels_.append_char(',');
        }
        labels_.append(f.labels[k]);
        labels_.append("=\"");
        append_label_value(labels_, first.block->label(*first.series, k));
        labels_.append_char('"');
    }
    if (f.type != MetricType::histogram) {
        uint64_t sum = 0;
        for (size_t i = begin; i < end; ++i) {
            sum += refs_[i].block->cell(refs_[i].series->cell);
        }
        sample(out, f, "", labels_.view(), {});
        if (f.type == MetricType::gauge) {
            append_fixed_signed(out, static_cast<int64_t>(sum), f.decimals);
        } else {
            append_fixed(out, sum, f.decimals);
        }
        out.append_char('\n');
        return;
    }
    const size_t buckets = f.buckets.bounds.size();
    uint64_t acc[limits::buckets_max + 2] = {};
    for (size_t i = begin; i < end; ++i) {
        for (size_t j = 0; j < buckets + 2; ++j) {
            acc[j] += refs_[i].block->cell(refs_[i].series->cell + static_cast<uint32_t>(j));
        }
    }
    // Count is the sum of the bucket cells as read, so +Inf and _count always agree.
    uint64_t cumulative = 0;
    ByteBuffer& le = le_;
    for (size_t j = 0; j <= buckets; ++j) {
        cumulative += acc[j];
        le.clear();
        le.append("le=\"");
        if (j < buckets) {
            append_fixed(le, f.buckets.bounds[j], f.decimals);
        } else {
            le.append("+Inf");
        }
        le.append_char('"');
        sample(out, f, "_bucket", labels_.view(), le.view());
        out.append_decimal(cumulative);
        out.append_char('\n');
    }
    sample(out, f, "_sum", labels_.view(), {});
    append_fixed(out, acc[buckets + 1], f.decimals);
    out.append_char('\n');
    sample(out, f, "_count", labels_.view(), {});
    out.append_decimal(cumulative);
    out.append_char('\n');
}

uint64_t Registry::cell_sum(FamilyId family, std::span<const std::string_view> values,
                            bool want_histogram_sum) const {
    RG_ASSERT(family < families_.size() && values.size() == families_[family].labels.size());
    const MetricFamily& f = families_[family];
    std::string_view cut[limits::labels_max];
    for (size_t k = 0; k < values.size(); ++k) {
        cut[k] = cut_utf8(values[k], limits::label_value_bytes_max);
    }
    uint64_t hash = series_hash(family, std::span<const std::string_view>(cut, values.size()));
    uint64_t total = 0;
    for (uint32_t b = 0; b < block_count(); ++b) {
        const WorkerMetrics* block = blocks_[b].load(std::memory_order_acquire);
        uint32_t n = block->published();
        for (uint32_t i = WorkerMetrics::first_series; i < n; ++i) {
            const WorkerMetrics::Series& s = block->series(i);
            if (s.family != family || s.hash != hash) {
                continue;
            }
            bool equal = true;
            for (size_t k = 0; k < values.size() && equal; ++k) {
                equal = block->label(s, static_cast<uint32_t>(k)) == cut[k];
            }
            if (!equal) {
                continue;
            }
            if (f.type != MetricType::histogram) {
                total += block->cell(s.cell);
            } else if (want_histogram_sum) {
                total += block->cell(s.cell + static_cast<uint32_t>(s.bounds.size()) + 1);
            } else {
                for (uint32_t j = 0; j <= s.bounds.size(); ++j) {
                    total += block->cell(s.cell + j);
                }
            }
        }
    }
    return total;
}

uint64_t Registry::sum(FamilyId family, std::span<const std::string_view> values) const {
    return cell_sum(family, values, false);
}

uint64_t Registry::histogram_sum(FamilyId family, std::span<const std::string_view> values) const {
    return cell_sum(family, values, true);
}

}  // namespace rg::observe
