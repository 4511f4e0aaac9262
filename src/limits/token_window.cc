#include "limits/token_window.h"

namespace rg::limits {

static_assert((TokenWindow::slot_count & (TokenWindow::slot_count - 1)) == 0);
static_assert(TokenWindow::slot_count > TokenWindow::span_s, "a live slot is never reused");

uint64_t TokenWindow::used(uint64_t now_s) {
    sweep(now_s);
    return total_.load(std::memory_order_acquire);
}

bool TokenWindow::try_add(uint64_t now_s, uint64_t n, uint64_t limit, uint64_t* before) {
    sweep(now_s);
    uint64_t total = total_.load(std::memory_order_acquire);
    for (;;) {
        *before = total;
        if (n > limit || total > limit - n) {
            return false;
        }
        if (total_.compare_exchange_weak(total, total + n, std::memory_order_acq_rel)) {
            break;
        }
    }
    land(now_s, n);
    return true;
}

void TokenWindow::add(uint64_t now_s, uint64_t n) {
    sweep(now_s);
    total_.fetch_add(n, std::memory_order_acq_rel);
    land(now_s, n);
}

// Puts `n` tokens, already counted in total_, into the slot of `now_s`. A slot still holding
// an expired second is taken over (its old count leaves total_); a slot already holding a
// later second (this worker's clock lags) keeps that second, so the tokens count longer.
void TokenWindow::land(uint64_t now_s, uint64_t n) {
    std::atomic<uint64_t>& slot = slots_[now_s & (slot_count - 1)];
    uint64_t w = slot.load(std::memory_order_acquire);
    for (;;) {
        // With 64 slots and 61 live seconds, this slot holds this second, a later one or an
        // expired one; never another live second. An empty slot takes this second.
        const bool keep_second = count_of(w) != 0 && (age(w, now_s) == 0 || later(w, now_s));
        const uint64_t keep = keep_second ? count_of(w) : 0;
        const uint64_t put = n > count_max - keep ? count_max - keep : n;
        const uint64_t next = make(keep_second ? tag_of(w) : tag(now_s), keep + put);
        if (slot.compare_exchange_weak(w, next, std::memory_order_acq_rel)) {
            const uint64_t dropped = (count_of(w) - keep) + (n - put);
            if (dropped != 0) {
                total_.fetch_sub(dropped, std::memory_order_acq_rel);
            }
            return;
        }
    }
}

void TokenWindow::refund(uint64_t added_s, uint64_t n, uint64_t now_s) {
    std::atomic<uint64_t>& slot = slots_[added_s & (slot_count - 1)];
    uint64_t w = slot.load(std::memory_order_acquire);
    for (;;) {
        const bool counted = live(w, now_s) || later(w, now_s);
        if (tag_of(w) != tag(added_s) || !counted || count_of(w) == 0) {
            return;  // expired already: the reservation no longer counts
        }
        const uint64_t take = n > count_of(w) ? count_of(w) : n;
        if (slot.compare_exchange_weak(w, make(tag_of(w), count_of(w) - take),
                                       std::memory_order_acq_rel)) {
            total_.fetch_sub(take, std::memory_order_acq_rel);
            return;
        }
    }
}

// One worker per second walks the slots; others go on with total_ as it is, which is at
// worst too high for a moment (a refusal slightly early, never an admission too many).
void TokenWindow::sweep(uint64_t now_s) {
    uint64_t swept = swept_s_.load(std::memory_order_acquire);
    if (swept >= now_s ||
        !swept_s_.compare_exchange_strong(swept, now_s, std::memory_order_acq_rel)) {
        return;
    }
    for (uint32_t i = 0; i < slot_count; ++i) {
        expire(i, now_s);
    }
}

void TokenWindow::expire(uint32_t i, uint64_t now_s) {
    uint64_t w = slots_[i].load(std::memory_order_acquire);
    while (count_of(w) != 0 && !live(w, now_s) && !later(w, now_s)) {
        if (slots_[i].compare_exchange_weak(w, make(tag_of(w), 0), std::memory_order_acq_rel)) {
            total_.fetch_sub(count_of(w), std::memory_order_acq_rel);
            return;
        }
    }
}

uint64_t TokenWindow::ms_until_fits(uint64_t now_ms, uint64_t n, uint64_t limit) const {
    if (n > limit) {
        return never_ms;
    }
    const uint64_t total = total_.load(std::memory_order_acquire);
    if (total <= limit - n) {
        return 0;
    }
    const uint64_t now_s = now_ms / 1000;
    uint64_t need = total - (limit - n);
    // Oldest live second first: each slot leaves the window 61 s after its second began.
    for (uint64_t back = span_s; back-- > 0;) {
        if (back > now_s) {
            continue;
        }
        const uint64_t s = now_s - back;
        const uint64_t w = slots_[s & (slot_count - 1)].load(std::memory_order_acquire);
        if (tag_of(w) != tag(s)) {
            continue;
        }
        if (count_of(w) >= need) {
            return (s + span_s) * 1000 - now_ms;
        }
        need -= count_of(w);
    }
    return span_s * 1000;  // total_ is ahead of the slots for a moment: a full window at most
}

}  // namespace rg::limits
