#include "mock/attempt_log.h"

#include "base/clock.h"

namespace rg::mock {

AttemptRef AttemptLog::record(const AttemptInput& in) {
    if (capacity_ == 0) {
        return {};
    }
    uint64_t now = monotonic_ns();
    uint64_t wall = wall_ms();
    std::lock_guard<std::mutex> lock(mu_);
    if (ring_.size() < capacity_) {
        ring_.emplace_back();
        next_slot_ = ring_.size() - 1;
    } else {
        ++dropped_;
    }
    auto slot = static_cast<uint32_t>(next_slot_);
    next_slot_ = (next_slot_ + 1) % capacity_;
    Attempt& a = ring_[slot];
    // Assigning into the slot's strings reuses their storage once the ring has wrapped.
    a.seq = clock_->next_seq.fetch_add(1, std::memory_order_relaxed);
    a.t_ms = (now - clock_->start_ns) / 1000000;
    a.wall_ms = wall;
    a.key.assign(in.key);
    a.model.assign(in.model);
    a.method.assign(in.method);
    a.path.assign(in.path);
    a.fault.assign(in.fault);
    a.format = in.format;
    a.status = in.status;
    a.stream = in.stream;
    a.tls = in.tls;
    a.cancelled = false;
    a.header_count = in.header_count;
    if (a.headers.size() < in.header_count) {
        a.headers.resize(in.header_count);
    }
    for (uint32_t i = 0; i < in.header_count; ++i) {
        a.headers[i].first.assign(in.headers[i].first);
        a.headers[i].second.assign(in.headers[i].second);
    }
    return AttemptRef{generation_, a.seq, slot};
}

Attempt* AttemptLog::find(const AttemptRef& ref) {
    if (ref.seq == 0 || ref.generation != generation_ || ref.slot >= ring_.size()) {
        return nullptr;
    }
    Attempt& a = ring_[ref.slot];
    return a.seq == ref.seq ? &a : nullptr;
}

void AttemptLog::mark_cancelled(const AttemptRef& ref) {
    std::lock_guard<std::mutex> lock(mu_);
    if (Attempt* a = find(ref)) {
        a->cancelled = true;
    }
}

void AttemptLog::set_status(const AttemptRef& ref, uint16_t status) {
    std::lock_guard<std::mutex> lock(mu_);
    if (Attempt* a = find(ref)) {
        a->status = status;
    }
}

void AttemptLog::collect(std::string_view key, std::string_view model,
                         std::vector<Attempt>* out) const {
    std::lock_guard<std::mutex> lock(mu_);
    for (const Attempt& a : ring_) {
        if ((key.empty() || a.key == key) && (model.empty() || a.model == model)) {
            out->push_back(a);
        }
    }
}

void AttemptLog::clear() {
    std::lock_guard<std::mutex> lock(mu_);
    ring_.clear();
    next_slot_ = 0;
    dropped_ = 0;
    ++generation_;
}

uint64_t AttemptLog::dropped() const {
    std::lock_guard<std::mutex> lock(mu_);
    return dropped_;
}

}  // namespace rg::mock
