#include "upstream/refresh_schedule.h"

#include <algorithm>

#include "base/assert.h"

namespace rg::upstream {

uint64_t clamp_ttl_ms(int64_t ttl_s, const RefreshPolicy& policy) {
    // Clamp in seconds first: a hostile 2^62 s TTL must not overflow the multiplication.
    int64_t max_s = policy.ttl_max_ms / 1000 + 1;
    uint64_t ms = static_cast<uint64_t>(std::clamp<int64_t>(ttl_s, 0, max_s)) * 1000;
    return std::clamp<uint64_t>(ms, policy.ttl_min_ms, policy.ttl_max_ms);
}

void RefreshSchedule::reset(uint32_t count, uint64_t now_ms) {
    hosts_.assign(count, Host{});
    for (Host& h : hosts_) {
        h.due_ms = now_ms;
    }
}

void RefreshSchedule::take_due(uint64_t now_ms, std::vector<uint32_t>* out) {
    for (uint32_t i = 0; i < hosts_.size(); ++i) {
        Host& h = hosts_[i];
        if (!h.in_flight && h.due_ms <= now_ms) {
            h.in_flight = true;
            out->push_back(i);
        }
    }
}

uint64_t RefreshSchedule::next_due_ms() const {
    uint64_t next = UINT64_MAX;
    for (const Host& h : hosts_) {
        if (!h.in_flight) {
            next = std::min(next, h.due_ms);
        }
    }
    return next;
}

bool RefreshSchedule::on_success(uint32_t host, int64_t ttl_s, uint64_t now_ms) {
    RG_ASSERT(host < hosts_.size());
    Host& h = hosts_[host];
    bool changed = h.health == HostHealth::failing;
    h.in_flight = false;
    h.health = HostHealth::ok;
    h.backoff_ms = 0;
    h.due_ms = now_ms + clamp_ttl_ms(ttl_s, policy_);
    return changed;
}

bool RefreshSchedule::on_failure(uint32_t host, uint64_t now_ms) {
    RG_ASSERT(host < hosts_.size());
    Host& h = hosts_[host];
    bool changed = h.health != HostHealth::failing;
    h.in_flight = false;
    h.health = HostHealth::failing;
    h.backoff_ms = h.backoff_ms == 0 ? policy_.retry_min_ms
                                     : static_cast<uint32_t>(std::min<uint64_t>(
                                           uint64_t{h.backoff_ms} * 2, policy_.retry_max_ms));
    h.due_ms = now_ms + h.backoff_ms;
    return changed;
}

}  // namespace rg::upstream
