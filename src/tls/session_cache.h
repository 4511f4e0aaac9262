// SessionCache: client-side TLS sessions for resumption, keyed by (ClientContext, host,
// port). Shard-local: one per shard, created and used only on its owning shard, so no
// locks; engines on that shard read it when they start and fill it when a ticket arrives.
// Bounded (limits::session_cache_entries_*): when full, the entry stored longest ago goes.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "tls/limits.h"

struct ssl_session_st;

namespace rg::tls {

class SessionCache {
  public:
    explicit SessionCache(size_t entries_max = limits::session_cache_entries_default);
    ~SessionCache();
    SessionCache(const SessionCache&) = delete;
    SessionCache& operator=(const SessionCache&) = delete;

    // The session to offer, or null. Borrowed: valid until the next store() or clear();
    // SSL_set_session takes its own reference.
    ssl_session_st* find(uint64_t context_id, std::string_view host, uint16_t port) const;
    // Takes ownership of one reference to `session`, replacing the entry for the same key.
    void store(uint64_t context_id, std::string_view host, uint16_t port, ssl_session_st* session);
    void clear();
    size_t size() const { return entries_.size(); }

  private:
    struct Entry {
        uint64_t context_id;
        uint16_t port;
        std::string host;
        ssl_session_st* session;
        uint64_t stored_seq;  // for eviction: the smallest is the oldest
    };

    Entry* lookup(uint64_t context_id, std::string_view host, uint16_t port);
    Entry& slot_for_new();

    std::vector<Entry> entries_;
    size_t entries_max_;
    uint64_t seq_ = 0;
};

}  // namespace rg::tls
